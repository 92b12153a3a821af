/**
 * A small client for the administrative half of a Confluent-compatible schema registry
 * (Confluent, or Apicurio's /apis/ccompat/v7): subjects, versions, compatibility. The worker
 * encodes with avsc and the ids registered here (encoder.ts).
 */

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "RegistryError";
  }
}

export interface RegisteredVersion {
  readonly id: number;
  readonly version: number;
  readonly schema: string;
}

export interface RegistryAuth {
  readonly username: string;
  readonly password: string;
}

export type CompatibilityLevel =
  | "BACKWARD"
  | "BACKWARD_TRANSITIVE"
  | "FORWARD"
  | "FORWARD_TRANSITIVE"
  | "FULL"
  | "FULL_TRANSITIVE"
  | "NONE";

export class RegistryAdmin {
  private readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly auth?: RegistryAuth,
    private readonly timeoutMs = 10_000,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
  }

  private async request(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const headers: Record<string, string> = { accept: "application/vnd.schemaregistry.v1+json, application/json" };
    if (body !== undefined) headers["content-type"] = "application/vnd.schemaregistry.v1+json";
    if (this.auth)
      headers.authorization = `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password}`).toString("base64")}`;
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new RegistryError(`schema registry ${this.baseUrl} unreachable: ${(error as Error).message}`, 0);
    }
    const text = await response.text();
    let json: unknown = text;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      // Not JSON: keep the text for the error message.
    }
    return { status: response.status, json };
  }

  private fail(what: string, status: number, json: unknown): never {
    const detail = typeof json === "object" && json !== null && "message" in json ? String(json.message) : String(json);
    throw new RegistryError(`${what}: HTTP ${status}: ${detail}`, status);
  }

  /** The subject's latest version, or undefined when the subject does not exist. */
  async latest(subject: string): Promise<RegisteredVersion | undefined> {
    const { status, json } = await this.request("GET", `/subjects/${encodeURIComponent(subject)}/versions/latest`);
    if (status === 404) return undefined;
    if (status !== 200) this.fail(`reading ${subject}`, status, json);
    return json as RegisteredVersion;
  }

  /** The schema text registered under a global id (what a Confluent-framed record names), if there is one. */
  async schemaById(id: number): Promise<string | undefined> {
    const { status, json } = await this.request("GET", `/schemas/ids/${id}`);
    if (status === 404) return undefined;
    if (status !== 200) this.fail(`reading schema ${id}`, status, json);
    return (json as { schema: string }).schema;
  }

  /** The version under which this exact schema is registered, if it is. */
  async lookup(subject: string, schema: string): Promise<RegisteredVersion | undefined> {
    const { status, json } = await this.request("POST", `/subjects/${encodeURIComponent(subject)}`, {
      schema,
      schemaType: "AVRO",
    });
    if (status === 404) return undefined;
    if (status !== 200) this.fail(`looking up ${subject}`, status, json);
    return json as RegisteredVersion;
  }

  /** Registers the schema (a no-op answering the same id when it is already registered). */
  async register(subject: string, schema: string): Promise<number> {
    const { status, json } = await this.request("POST", `/subjects/${encodeURIComponent(subject)}/versions`, {
      schema,
      schemaType: "AVRO",
    });
    if (status !== 200) this.fail(`registering ${subject}`, status, json);
    return (json as { id: number }).id;
  }

  async setCompatibility(subject: string, level: CompatibilityLevel): Promise<void> {
    const { status, json } = await this.request("PUT", `/config/${encodeURIComponent(subject)}`, {
      compatibility: level,
    });
    if (status !== 200) this.fail(`setting ${subject}'s compatibility`, status, json);
  }

  /** The subject's own compatibility level; Confluent answers `compatibilityLevel`, some registries `compatibility`. */
  async compatibility(subject: string): Promise<string | undefined> {
    const { status, json } = await this.request("GET", `/config/${encodeURIComponent(subject)}`);
    if (status === 404) return undefined;
    if (status !== 200) this.fail(`reading ${subject}'s compatibility`, status, json);
    const config = json as { compatibilityLevel?: string; compatibility?: string };
    return config.compatibilityLevel ?? config.compatibility;
  }

  /** Whether the registry would accept the schema as the subject's next version. */
  async isCompatible(subject: string, schema: string): Promise<boolean> {
    const { status, json } = await this.request(
      "POST",
      `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest`,
      {
        schema,
        schemaType: "AVRO",
      },
    );
    if (status === 404) return true;
    if (status !== 200) this.fail(`checking ${subject}`, status, json);
    return (json as { is_compatible: boolean }).is_compatible;
  }
}

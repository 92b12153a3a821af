import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { ConfigError, deepFreeze, wholeNumberSetting } from "../core/settings.js";
import { RAW_TOPICS } from "../core/topics.js";
import { DESTINATIONS } from "../destinations/index.js";
import { isJsonObject } from "../events/json.js";
import { type PipelineConfig, parsePipelineConfig } from "../pipeline/config.js";
import { type SettingSpec, WORKER_SETTINGS, type WorkerVariable } from "./settings.js";

export type DeliveryMode = "at-least-once" | "exactly-once";
export type SaslMechanism = "plain" | "scram-sha-256" | "scram-sha-512";

/** Everything the worker needs, read once from the environment (and an optional file), then frozen. */
export interface WorkerConfig {
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly clientId: string;
    readonly sasl?: { readonly mechanism: SaslMechanism; readonly username: string; readonly password: string };
    readonly tls?: {
      readonly ca?: string;
      readonly cert?: string;
      readonly key?: string;
      readonly rejectUnauthorized: boolean;
    };
  };
  readonly registry: { readonly url: string; readonly username?: string; readonly password?: string };
  readonly groupId: string;
  readonly inputTopics: readonly string[];
  readonly delivery: DeliveryMode;
  readonly workerId: string;
  readonly httpPort: number;
  readonly shutdownGraceMs: number;
  /** How long the group waits for a silent member before moving its partitions to the others. */
  readonly sessionTimeoutMs: number;
  /** In-process restarts after survivable consumer crashes, per 10 minutes, before exiting 1. */
  readonly maxRestarts: number;
  /** Partitions and replication factor for topics the worker creates (-1: the broker's default). */
  readonly topicPartitions: number;
  readonly topicReplication: number;
  /** Raw records processed per produce round trip, and the fetch size per partition. */
  readonly chunkSize: number;
  /** Run the pipeline and Avro encoding on a thread of their own, beside kafkajs's work. */
  readonly transformThread: boolean;
  /** How many transform threads (when `transformThread`): a partition always goes to the same one. */
  readonly transformThreads: number;
  /** Whether the event loop transforms a share of the partitions beside the threads (when `transformThread`). */
  readonly transformOnMain: boolean;
  /** The largest destination record written; a larger one is dead-lettered (`record_too_large`). */
  readonly maxRecordBytes: number;
  /** Raw bytes per chunk: keeps each record batch the producer writes under the broker's max.message.bytes. */
  readonly chunkBytes: number;
  readonly maxBytesPerPartition: number;
  /** How many assigned partitions are processed at once (each still in order). */
  readonly partitionsConcurrently: number;
  /** at-least-once: how often resolved offsets are committed. */
  readonly commitIntervalMs: number;
  readonly logLevel: string;
  readonly pipeline: PipelineConfig;
}

/** The variables the worker reads: the same names work in CDP_CONFIG_FILE (JSON), where env wins. */
export const WORKER_VARIABLES = (Object.keys(WORKER_SETTINGS) as WorkerVariable[]).filter(
  (name) => name !== "CDP_CONFIG_FILE",
);

type Variables = Partial<Record<WorkerVariable, string>>;

function readVariables(env: NodeJS.ProcessEnv, problems: string[]): { vars: Variables; pipeline: unknown } {
  const vars: Variables = {};
  let pipeline: unknown = {};
  const file = env.CDP_CONFIG_FILE;
  if (file) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
      if (!isJsonObject(parsed)) throw new Error("it is not a JSON object");
      for (const [key, value] of Object.entries(parsed)) {
        if (key === "pipeline") pipeline = value;
        else if ((WORKER_VARIABLES as readonly string[]).includes(key)) vars[key as WorkerVariable] = String(value);
        else problems.push(`CDP_CONFIG_FILE: ${key} is not a setting`);
      }
    } catch (error) {
      problems.push(`CDP_CONFIG_FILE ${file}: ${(error as Error).message}`);
    }
  }
  for (const name of WORKER_VARIABLES) {
    const value = env[name];
    if (value !== undefined && value !== "") vars[name] = value;
  }
  if (vars.CDP_PIPELINE_CONFIG) {
    try {
      pipeline = JSON.parse(readFileSync(vars.CDP_PIPELINE_CONFIG, "utf8"));
    } catch (error) {
      problems.push(`CDP_PIPELINE_CONFIG ${vars.CDP_PIPELINE_CONFIG}: ${(error as Error).message}`);
    }
  }
  return { vars, pipeline };
}

type Spec<T extends SettingSpec["type"]> = Extract<SettingSpec, { type: T }>;
type VariableOf<T extends SettingSpec["type"]> = {
  [K in WorkerVariable]: (typeof WORKER_SETTINGS)[K] extends { type: T } ? K : never;
}[WorkerVariable];

/** A true/false variable (its default from WORKER_SETTINGS): the problem quotes the variable as it was set. */
function flag(name: VariableOf<"boolean">, vars: Variables, problems: string[]): boolean {
  const spec: Spec<"boolean"> = WORKER_SETTINGS[name];
  const value = vars[name];
  if (value === undefined) return spec.default;
  if (value === "true" || value === "false") return value === "true";
  problems.push(`${name}=${value}: must be true or false`);
  return spec.default;
}

/** A whole-number variable within its range (WORKER_SETTINGS): the problem quotes the variable as it was set. */
function integer(name: VariableOf<"integer">, vars: Variables, problems: string[]): number {
  const spec: Spec<"integer"> = WORKER_SETTINGS[name];
  const value = vars[name];
  return wholeNumberSetting(
    `${name}=${value}:`,
    value === undefined ? undefined : Number(value),
    spec.default,
    spec.min,
    spec.max,
    problems,
  );
}

/** One of a variable's choices (WORKER_SETTINGS), or its default when unset. */
function choice(name: VariableOf<"choice">, vars: Variables, problems: string[]): string {
  const spec: Spec<"choice"> = WORKER_SETTINGS[name];
  const value = vars[name] ?? spec.default;
  if (!spec.choices.includes(value)) {
    const last = spec.choices[spec.choices.length - 1];
    problems.push(`${name}=${value}: must be ${spec.choices.slice(0, -1).join(", ")} or ${last}`);
    return spec.default;
  }
  return value;
}

function list(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

function readFile(name: string, path: string | undefined, problems: string[]): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    problems.push(`${name}=${path}: ${(error as Error).message}`);
    return undefined;
  }
}

function registrySettings(
  vars: Variables,
  defaultUrl: string | undefined,
  problems: string[],
): WorkerConfig["registry"] {
  const url = vars.SCHEMA_REGISTRY_URL ?? defaultUrl;
  if (!url) problems.push("SCHEMA_REGISTRY_URL is required");
  else if (!/^https?:\/\/\S+$/.test(url)) problems.push(`SCHEMA_REGISTRY_URL=${url}: must be an http(s) URL`);
  return {
    url: url ?? "",
    ...(vars.SCHEMA_REGISTRY_USERNAME
      ? { username: vars.SCHEMA_REGISTRY_USERNAME, password: vars.SCHEMA_REGISTRY_PASSWORD ?? "" }
      : {}),
  };
}

/**
 * The registry settings alone, read as the worker reads them (the environment, or
 * CDP_CONFIG_FILE), for `cdp-router schemas`; `url` (its --registry option) wins.
 */
export function loadRegistryConfig(
  env: NodeJS.ProcessEnv,
  url: string | undefined,
  defaultUrl: string,
): WorkerConfig["registry"] {
  const problems: string[] = [];
  const { vars } = readVariables(env, problems);
  const registry = registrySettings(url ? { ...vars, SCHEMA_REGISTRY_URL: url } : vars, defaultUrl, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(registry);
}

/**
 * Reads and checks the worker's configuration, reporting every problem at once, each naming
 * its variable. `defaults` supplies what `npm start` knows (the local stack's addresses).
 */
export function loadWorkerConfig(
  env: NodeJS.ProcessEnv,
  defaults: { brokers?: string[]; registryUrl?: string } = {},
): WorkerConfig {
  const problems: string[] = [];
  const { vars, pipeline: pipelineInput } = readVariables(env, problems);

  const brokers = vars.KAFKA_BROKERS ? list(vars.KAFKA_BROKERS) : (defaults.brokers ?? []);
  if (brokers.length === 0) problems.push("KAFKA_BROKERS is required (host:port,host:port)");
  for (const broker of brokers)
    if (!/^[^\s:/]+:\d{1,5}$/.test(broker)) problems.push(`KAFKA_BROKERS: "${broker}" is not host:port`);

  let sasl: WorkerConfig["kafka"]["sasl"];
  if (vars.KAFKA_SASL_MECHANISM) {
    const mechanism = vars.KAFKA_SASL_MECHANISM.toLowerCase();
    if (mechanism !== "plain" && mechanism !== "scram-sha-256" && mechanism !== "scram-sha-512") {
      problems.push(`KAFKA_SASL_MECHANISM=${vars.KAFKA_SASL_MECHANISM}: must be plain, scram-sha-256 or scram-sha-512`);
    } else if (!vars.KAFKA_SASL_USERNAME || vars.KAFKA_SASL_PASSWORD === undefined) {
      problems.push("KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD");
    } else {
      sasl = { mechanism, username: vars.KAFKA_SASL_USERNAME, password: vars.KAFKA_SASL_PASSWORD };
    }
  }

  let tls: WorkerConfig["kafka"]["tls"];
  const tlsOn = vars.KAFKA_TLS ?? (vars.KAFKA_TLS_CA_FILE || vars.KAFKA_TLS_CERT_FILE ? "true" : "false");
  if (tlsOn !== "true" && tlsOn !== "false") problems.push(`KAFKA_TLS=${tlsOn}: must be true or false`);
  if (tlsOn === "true") {
    const ca = readFile("KAFKA_TLS_CA_FILE", vars.KAFKA_TLS_CA_FILE, problems);
    const cert = readFile("KAFKA_TLS_CERT_FILE", vars.KAFKA_TLS_CERT_FILE, problems);
    const key = readFile("KAFKA_TLS_KEY_FILE", vars.KAFKA_TLS_KEY_FILE, problems);
    if (Boolean(cert) !== Boolean(key)) problems.push("KAFKA_TLS_CERT_FILE and KAFKA_TLS_KEY_FILE go together");
    tls = {
      ...(ca ? { ca } : {}),
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
      rejectUnauthorized: flag("KAFKA_TLS_REJECT_UNAUTHORIZED", vars, problems),
    };
  }

  const registry = registrySettings(vars, defaults.registryUrl, problems);

  const delivery = choice("CDP_DELIVERY", vars, problems) as DeliveryMode;

  const inputTopics = vars.CDP_INPUT_TOPICS ? list(vars.CDP_INPUT_TOPICS) : [...RAW_TOPICS];
  if (inputTopics.length === 0) problems.push("CDP_INPUT_TOPICS names no topic");
  for (const topic of inputTopics)
    if (!/^[a-zA-Z0-9._-]{1,249}$/.test(topic)) problems.push(`CDP_INPUT_TOPICS: "${topic}" is not a valid topic name`);

  let pipeline: PipelineConfig | undefined;
  try {
    pipeline = parsePipelineConfig(pipelineInput, DESTINATIONS);
  } catch (error) {
    if (error instanceof ConfigError) problems.push(...error.problems.map((problem) => `pipeline: ${problem}`));
    else throw error;
  }

  const config = {
    kafka: {
      brokers,
      clientId: vars.KAFKA_CLIENT_ID ?? WORKER_SETTINGS.KAFKA_CLIENT_ID.default,
      ...(sasl ? { sasl } : {}),
      ...(tls ? { tls } : {}),
    },
    registry,
    groupId: vars.CDP_GROUP_ID ?? WORKER_SETTINGS.CDP_GROUP_ID.default,
    inputTopics,
    delivery,
    workerId: vars.CDP_WORKER_ID ?? `${hostname()}-${process.pid}`,
    httpPort: integer("CDP_HTTP_PORT", vars, problems),
    shutdownGraceMs: integer("CDP_SHUTDOWN_GRACE_MS", vars, problems),
    sessionTimeoutMs: integer("CDP_SESSION_TIMEOUT_MS", vars, problems),
    maxRestarts: integer("CDP_MAX_RESTARTS", vars, problems),
    topicPartitions: integer("CDP_TOPIC_PARTITIONS", vars, problems),
    topicReplication: integer("CDP_TOPIC_REPLICATION", vars, problems),
    chunkSize: integer("CDP_CHUNK_SIZE", vars, problems),
    transformThread: flag("CDP_TRANSFORM_THREAD", vars, problems),
    transformThreads: integer("CDP_TRANSFORM_THREADS", vars, problems),
    transformOnMain: flag("CDP_TRANSFORM_ON_MAIN", vars, problems),
    maxRecordBytes: integer("CDP_MAX_RECORD_BYTES", vars, problems),
    chunkBytes: integer("CDP_CHUNK_BYTES", vars, problems),
    maxBytesPerPartition: integer("CDP_MAX_BYTES_PER_PARTITION", vars, problems),
    partitionsConcurrently: integer("CDP_PARTITIONS_CONCURRENTLY", vars, problems),
    commitIntervalMs: integer("CDP_COMMIT_INTERVAL_MS", vars, problems),
    logLevel: choice("CDP_LOG_LEVEL", vars, problems),
  };
  if (problems.length > 0 || !pipeline) throw new ConfigError(problems);
  return deepFreeze({ ...config, pipeline });
}

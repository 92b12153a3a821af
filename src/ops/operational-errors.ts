/**
 * Operational errors: the environment failed, not the data (data errors are dead-letter codes,
 * docs/errors.md). Each has a stable code and says whether retrying can cure it. Start-up
 * retries the retriable ones with backoff; the others end the process at once with the code in
 * its message and their exit code: 78 (EX_CONFIG) for credentials and certificates, 1 otherwise.
 */
export const OPERATIONAL_ERRORS = {
  CDP_ERR_KAFKA_UNAVAILABLE: { retriable: true, exitCode: 1 },
  CDP_ERR_KAFKA_CREDENTIALS: { retriable: false, exitCode: 78 },
  CDP_ERR_KAFKA_TLS: { retriable: false, exitCode: 78 },
  CDP_ERR_REGISTRY_UNAVAILABLE: { retriable: true, exitCode: 1 },
  CDP_ERR_REGISTRY_CREDENTIALS: { retriable: false, exitCode: 78 },
  CDP_ERR_REGISTRY_INCOMPATIBLE: { retriable: false, exitCode: 1 },
  CDP_ERR_REGISTRY_REFUSED: { retriable: false, exitCode: 1 },
} as const satisfies Record<string, { readonly retriable: boolean; readonly exitCode: number }>;

export type OperationalCode = keyof typeof OPERATIONAL_ERRORS;

/** The exit code of errors no retry cures that a setting must fix (sysexits' EX_CONFIG). */
export const CONFIGURATION_EXIT_CODE = 78;

export class OperationalError extends Error {
  readonly retriable: boolean;
  readonly exitCode: number;

  constructor(
    readonly code: OperationalCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "OperationalError";
    this.retriable = OPERATIONAL_ERRORS[code].retriable;
    this.exitCode = OPERATIONAL_ERRORS[code].exitCode;
  }
}

/**
 * Node's TLS verification failures (error.code, which kafkajs keeps on its connection error):
 * SELF_SIGNED_CERT_IN_CHAIN, UNABLE_TO_VERIFY_LEAF_SIGNATURE, CERT_HAS_EXPIRED,
 * ERR_TLS_CERT_ALTNAME_INVALID and their kin. The TLS pre-flight check uses the same test.
 */
export function isCertificateRejection(code: string): boolean {
  return /CERT|SELF_SIGNED|ALTNAME|UNABLE_TO/.test(code);
}

/** kafkajs's authentication and authorization failures (error.name or protocol error type). */
const KAFKA_REFUSALS = new Set([
  "KafkaJSSASLAuthenticationError",
  "SASL_AUTHENTICATION_FAILED",
  "ILLEGAL_SASL_STATE",
  "UNSUPPORTED_SASL_MECHANISM",
  "TOPIC_AUTHORIZATION_FAILED",
  "GROUP_AUTHORIZATION_FAILED",
  "CLUSTER_AUTHORIZATION_FAILED",
  "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
]);

/** The registry's answer, by HTTP status (0: no answer). */
function registryError(status: number, error: Error): OperationalError {
  if (status === 401 || status === 403)
    return new OperationalError(
      "CDP_ERR_REGISTRY_CREDENTIALS",
      `the schema registry refused the credentials (HTTP ${status}; check SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD)`,
      { cause: error },
    );
  if (status === 409)
    return new OperationalError(
      "CDP_ERR_REGISTRY_INCOMPATIBLE",
      "the schema registry refused a schema as incompatible with the registered one (HTTP 409; `cdp-router schemas check` says which and why)",
      { cause: error },
    );
  // Timeouts, rate limits and server errors pass; other refusals are a wrong URL or a bad schema.
  if (status === 0 || status === 408 || status === 429 || status >= 500)
    return new OperationalError("CDP_ERR_REGISTRY_UNAVAILABLE", `the schema registry is unavailable`, {
      cause: error,
    });
  return new OperationalError(
    "CDP_ERR_REGISTRY_REFUSED",
    `the schema registry refused the request (HTTP ${status}; check SCHEMA_REGISTRY_URL, which ends in the Confluent-compatible API's path)`,
    { cause: error },
  );
}

/**
 * What an error means operationally, looking through its causes (kafkajs wraps the one that
 * decides in its retries-exceeded error): undefined when it is not a Kafka or registry error.
 */
export function classifyOperational(error: unknown): OperationalError | undefined {
  if (error instanceof OperationalError) return error;
  let kafka = false;
  let cause: unknown = error;
  for (let depth = 0; depth < 10 && cause instanceof Error; depth++) {
    const { name, code, type, status } = cause as Error & { code?: unknown; type?: unknown; status?: unknown };
    if (KAFKA_REFUSALS.has(name) || (typeof type === "string" && KAFKA_REFUSALS.has(type)))
      return new OperationalError(
        "CDP_ERR_KAFKA_CREDENTIALS",
        "Kafka refused the credentials or the access (check KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD and the ACLs)",
        { cause: error },
      );
    // EPROTO: TLS spoken to a port that does not (a plaintext listener).
    if (typeof code === "string" && (isCertificateRejection(code) || code === "EPROTO"))
      return new OperationalError(
        "CDP_ERR_KAFKA_TLS",
        `the broker's TLS certificate is not trusted (${code}; check KAFKA_TLS_CA_FILE)`,
        { cause: error },
      );
    if (name === "RegistryError" && typeof status === "number") return registryError(status, cause);
    if (name.startsWith("KafkaJS")) kafka = true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return kafka
    ? new OperationalError("CDP_ERR_KAFKA_UNAVAILABLE", "Kafka is unavailable", { cause: error })
    : undefined;
}

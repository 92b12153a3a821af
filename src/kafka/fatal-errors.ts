/**
 * Errors that retrying cannot cure: credentials refused, a certificate not trusted, access
 * denied. At start-up they end the process at once with a clear message and exit code 78
 * (EX_CONFIG), instead of a retry loop that looks like an outage.
 */
export const CONFIGURATION_EXIT_CODE = 78;

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

/** What kind of configuration fault an error shows, or undefined when a retry may cure it. */
export function configurationFault(error: unknown): string | undefined {
  let cause: unknown = error;
  for (let depth = 0; depth < 10 && cause instanceof Error; depth++) {
    const { name, code, type, status } = cause as Error & { code?: unknown; type?: unknown; status?: unknown };
    if (KAFKA_REFUSALS.has(name) || (typeof type === "string" && KAFKA_REFUSALS.has(type)))
      return "Kafka refused the credentials or the access (check KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD and the ACLs)";
    // EPROTO: TLS spoken to a port that does not (a plaintext listener).
    if (typeof code === "string" && (isCertificateRejection(code) || code === "EPROTO"))
      return `the broker's TLS certificate is not trusted (${code}; check KAFKA_TLS_CA_FILE)`;
    if (name === "RegistryError" && (status === 401 || status === 403))
      return `the schema registry refused the credentials (HTTP ${status}; check SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD)`;
    cause = (cause as { cause?: unknown }).cause;
  }
  return undefined;
}

import { execFile } from "node:child_process";
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { PORT_OFFSET, PORT_STRIDE } from "./layout.js";

const run = promisify(execFile);

/**
 * The local stack's secured endpoints, beside the plaintext ones: each broker also listens with
 * SASL_SSL (SCRAM-SHA-512 over TLS, a certificate signed by a CA made for this stack), so that
 * the worker's security settings are tested against a real broker. The credentials are fixed
 * and published: they guard a development stack on 127.0.0.1, nothing else.
 */
export const SECURE_PORT_BASE = 9094 + PORT_OFFSET;
export const LOCAL_KAFKA_USER = { mechanism: "scram-sha-512", username: "cdp", password: "cdp-local-kafka-password" };
/** The user of the registry's basic-auth endpoint (REGISTRY_AUTH_PORT). */
export const LOCAL_REGISTRY_USER = { username: "cdp", password: "cdp-local-registry-password" };
/** Keystore passwords of the local stack's generated certificates. */
const STORE_PASSWORD = "cdp-local-store";

export function securePort(nodeId: number): number {
  return SECURE_PORT_BASE + (nodeId - 1) * PORT_STRIDE;
}

export function secureBootstrapServers(brokerCount: number): string[] {
  return Array.from({ length: brokerCount }, (_, i) => `127.0.0.1:${securePort(i + 1)}`);
}

export interface StackCertificates {
  /** The CA certificate (PEM) clients trust: KAFKA_TLS_CA_FILE. */
  readonly caFile: string;
  /** The brokers' keystore (PKCS12): their certificate for 127.0.0.1 and localhost, signed by the CA. */
  readonly keystore: string;
  readonly storePassword: string;
}

export function certificatePaths(securityDir: string): StackCertificates {
  return {
    caFile: join(securityDir, "ca.pem"),
    keystore: join(securityDir, "broker.p12"),
    storePassword: STORE_PASSWORD,
  };
}

/** Makes the CA and the broker keystore once, with the keytool of the Java that runs Kafka. */
export async function ensureCertificates(securityDir: string, java: string): Promise<StackCertificates> {
  const paths = certificatePaths(securityDir);
  if (existsSync(paths.caFile) && existsSync(paths.keystore)) return paths;
  mkdirSync(securityDir, { recursive: true });
  const keytool = join(dirname(java), "keytool");
  const tool = (args: string[]) => run(existsSync(keytool) ? keytool : "keytool", args, { cwd: securityDir });
  const store = ["-storetype", "PKCS12", "-storepass", STORE_PASSWORD];
  const ca = join(securityDir, "ca.p12");
  const names = "SAN=ip:127.0.0.1,dns:localhost";
  const csr = join(securityDir, "broker.csr");
  const signed = join(securityDir, "broker-signed.pem");
  const days = ["-validity", "3650"];
  await tool([
    "-genkeypair",
    "-alias",
    "ca",
    "-keyalg",
    "RSA",
    "-keysize",
    "2048",
    "-dname",
    "CN=cdp-router local CA",
    "-ext",
    "bc:c",
    ...days,
    "-keystore",
    ca,
    ...store,
  ]);
  await tool(["-exportcert", "-alias", "ca", "-rfc", "-file", paths.caFile, "-keystore", ca, ...store]);
  const broker = `${paths.keystore}.tmp`;
  await tool([
    "-genkeypair",
    "-alias",
    "broker",
    "-keyalg",
    "RSA",
    "-keysize",
    "2048",
    "-dname",
    "CN=localhost",
    "-ext",
    names,
    ...days,
    "-keystore",
    broker,
    ...store,
  ]);
  await tool(["-certreq", "-alias", "broker", "-file", csr, "-keystore", broker, ...store]);
  await tool([
    "-gencert",
    "-alias",
    "ca",
    "-infile",
    csr,
    "-outfile",
    signed,
    "-rfc",
    "-ext",
    names,
    ...days,
    "-keystore",
    ca,
    ...store,
  ]);
  await tool(["-importcert", "-alias", "ca", "-file", paths.caFile, "-noprompt", "-keystore", broker, ...store]);
  await tool(["-importcert", "-alias", "broker", "-file", signed, "-keystore", broker, ...store]);
  // Renamed last: a keystore that exists is a complete one.
  renameSync(broker, paths.keystore);
  return paths;
}

/** server.properties lines for the SASL_SSL listener (merged with the plaintext ones). */
export function secureListenerSettings(certificates: StackCertificates): Record<string, string> {
  return {
    "sasl.enabled.mechanisms": "SCRAM-SHA-512",
    "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config":
      "org.apache.kafka.common.security.scram.ScramLoginModule required;",
    "listener.name.sasl_ssl.ssl.keystore.location": certificates.keystore,
    "listener.name.sasl_ssl.ssl.keystore.password": certificates.storePassword,
    "listener.name.sasl_ssl.ssl.keystore.type": "PKCS12",
    "listener.name.sasl_ssl.ssl.key.password": certificates.storePassword,
  };
}

/** kafka-storage format's argument that creates the SCRAM user with the cluster's metadata. */
export function scramFormatArgument(): string {
  return `--add-scram=SCRAM-SHA-512=[name=${LOCAL_KAFKA_USER.username},password=${LOCAL_KAFKA_USER.password}]`;
}

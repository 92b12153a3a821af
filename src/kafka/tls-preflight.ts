import { type ConnectionOptions, connect } from "node:tls";
import { isCertificateRejection } from "../ops/operational-errors.js";

/**
 * kafkajs takes a TLS verification failure (an untrusted or mismatched broker certificate) for a
 * connection error and retries it for minutes. One TLS handshake with the same options before
 * kafkajs connects tells the two apart: a verification failure is thrown at once (its `code` is
 * Node's, e.g. SELF_SIGNED_CERT_IN_CHAIN, which classifyOperational recognises); a broker that
 * does not answer is left to kafkajs's retries.
 */
export async function checkBrokerCertificate(
  broker: string,
  tls: ConnectionOptions,
  timeoutMs = 10_000,
): Promise<void> {
  const at = broker.lastIndexOf(":");
  const host = broker.slice(0, at);
  const port = Number(broker.slice(at + 1));
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ ...tls, host, port, servername: isIp(host) ? undefined : host }, () => {
      socket.end();
      resolve();
    });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      resolve(); // not answering: kafkajs's retries deal with it
    });
    socket.on("error", (error: Error & { code?: string }) => {
      socket.destroy();
      if (error.code && isCertificateRejection(error.code))
        reject(Object.assign(new Error(`TLS to ${broker}: ${error.message}`), { code: error.code }));
      else resolve();
    });
  });
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(":");
}

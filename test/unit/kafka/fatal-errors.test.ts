import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { RegistryError } from "../../../src/avro/schema-registry.js";
import { configurationFault } from "../../../src/kafka/fatal-errors.js";

const require = createRequire(import.meta.url);
const errors = require("kafkajs/src/errors.js") as Record<string, new (...args: unknown[]) => Error>;
const { KafkaJSSASLAuthenticationError, KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded } = errors as {
  KafkaJSSASLAuthenticationError: new (message: string) => Error;
  KafkaJSConnectionError: new (message: string, options: { code: string }) => Error;
  KafkaJSNumberOfRetriesExceeded: new (e: Error, options: { retryCount: number; retryTime: number }) => Error;
};

describe("errors no retry cures: start-up fails at once (exit 78)", () => {
  it("a SASL password Kafka refuses", () => {
    const error = new KafkaJSSASLAuthenticationError("SASL SCRAM SHA512 authentication failed: Authentication failed");
    expect(configurationFault(error)).toMatch(/refused the credentials/);
  });

  it("an untrusted broker certificate, even inside kafkajs's retries-exceeded error", () => {
    const tls = new KafkaJSConnectionError("Connection error: self-signed certificate in certificate chain", {
      code: "SELF_SIGNED_CERT_IN_CHAIN",
    });
    const wrapped = new KafkaJSNumberOfRetriesExceeded(tls, { retryCount: 5, retryTime: 1000 });
    expect(configurationFault(wrapped)).toMatch(/certificate is not trusted \(SELF_SIGNED_CERT_IN_CHAIN/);
  });

  it("a schema registry answering 401 or 403", () => {
    expect(configurationFault(new RegistryError("registering: HTTP 401: Unauthorized", 401))).toMatch(
      /registry refused/,
    );
    expect(configurationFault(new RegistryError("registering: HTTP 403: Forbidden", 403))).toMatch(/registry refused/);
  });

  it("not a broker or registry that is down: those are retried", () => {
    expect(
      configurationFault(
        new KafkaJSConnectionError("Connection error: connect ECONNREFUSED", { code: "ECONNREFUSED" }),
      ),
    ).toBeUndefined();
    expect(configurationFault(new RegistryError("unreachable", 0))).toBeUndefined();
    expect(configurationFault(new RegistryError("HTTP 503", 503))).toBeUndefined();
  });
});

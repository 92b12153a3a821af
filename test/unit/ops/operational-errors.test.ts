import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { RegistryError } from "../../../src/avro/schema-registry.js";
import { classifyOperational, OperationalError } from "../../../src/ops/operational-errors.js";

const require = createRequire(import.meta.url);
const errors = require("kafkajs/src/errors.js") as Record<string, new (...args: unknown[]) => Error>;
const { KafkaJSSASLAuthenticationError, KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded } = errors as {
  KafkaJSSASLAuthenticationError: new (message: string) => Error;
  KafkaJSConnectionError: new (message: string, options: { code: string }) => Error;
  KafkaJSNumberOfRetriesExceeded: new (e: Error, options: { retryCount: number; retryTime: number }) => Error;
};

/** What start-up does with an error: its code, and whether it retries or exits (with which code). */
function verdict(error: unknown) {
  const classified = classifyOperational(error);
  return classified && { code: classified.code, retriable: classified.retriable, exitCode: classified.exitCode };
}

/** The message of an error no retry cures, undefined for one that is retried. */
function configurationFault(error: unknown): string | undefined {
  const classified = classifyOperational(error);
  return classified && !classified.retriable && classified.exitCode === 78 ? classified.message : undefined;
}

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

describe("operational errors: a stable code, and whether a retry may cure it", () => {
  it("a schema the registry refuses as incompatible (409) exits 1 at once: retrying registers nothing", () => {
    expect(verdict(new RegistryError("registering cdp.dest.customerio-value: HTTP 409: incompatible", 409))).toEqual({
      code: "CDP_ERR_REGISTRY_INCOMPATIBLE",
      retriable: false,
      exitCode: 1,
    });
  });

  it("any other refusal by the registry (a wrong URL's 404, an invalid schema's 422) exits 1", () => {
    for (const status of [400, 404, 405, 422])
      expect(verdict(new RegistryError(`HTTP ${status}`, status))).toEqual({
        code: "CDP_ERR_REGISTRY_REFUSED",
        retriable: false,
        exitCode: 1,
      });
  });

  it("a registry that does not answer, times out, limits the rate or fails inside is retried", () => {
    for (const status of [0, 408, 429, 500, 503])
      expect(verdict(new RegistryError(`HTTP ${status}`, status))).toMatchObject({
        code: "CDP_ERR_REGISTRY_UNAVAILABLE",
        retriable: true,
      });
  });

  it("credentials and certificates carry their own codes and exit 78", () => {
    expect(verdict(new RegistryError("HTTP 401", 401))?.code).toBe("CDP_ERR_REGISTRY_CREDENTIALS");
    expect(verdict(new KafkaJSSASLAuthenticationError("failed"))).toEqual({
      code: "CDP_ERR_KAFKA_CREDENTIALS",
      retriable: false,
      exitCode: 78,
    });
    expect(verdict(new KafkaJSConnectionError("tls", { code: "CERT_HAS_EXPIRED" }))?.code).toBe("CDP_ERR_KAFKA_TLS");
  });

  it("a Kafka that is down is retried; an error that is neither Kafka's nor the registry's has no code", () => {
    const down = new KafkaJSConnectionError("Connection error: connect ECONNREFUSED", { code: "ECONNREFUSED" });
    expect(verdict(new KafkaJSNumberOfRetriesExceeded(down, { retryCount: 5, retryTime: 1000 }))).toMatchObject({
      code: "CDP_ERR_KAFKA_UNAVAILABLE",
      retriable: true,
    });
    expect(verdict(new TypeError("x is undefined"))).toBeUndefined();
  });

  it("the classified error keeps what failed underneath as its cause", () => {
    const original = new RegistryError("registering: HTTP 409: incompatible", 409);
    const classified = classifyOperational(original);
    expect(classified).toBeInstanceOf(OperationalError);
    expect(classified?.cause).toBe(original);
    expect(classifyOperational(classified)).toBe(classified);
  });
});

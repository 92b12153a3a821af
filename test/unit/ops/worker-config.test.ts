import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/core/settings.js";
import { loadWorkerConfig } from "../../../src/ops/worker-config.js";

const BASE = { KAFKA_BROKERS: "k1:9092,k2:9092", SCHEMA_REGISTRY_URL: "http://registry:8081/apis/ccompat/v7" };

function problems(env: NodeJS.ProcessEnv): string {
  try {
    loadWorkerConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join("\n");
    throw error;
  }
  return "";
}

describe("worker configuration: defaults", () => {
  it("refuses a transform-thread switch that is not true or false", () => {
    expect(problems({ ...BASE, CDP_TRANSFORM_THREAD: "yes" })).toMatch(
      /CDP_TRANSFORM_THREAD=yes: must be true or false/,
    );
    expect(loadWorkerConfig({ ...BASE, CDP_TRANSFORM_THREAD: "false" }).transformThread).toBe(false);
  });

  it("reads brokers and registry, and defaults the rest", () => {
    const config = loadWorkerConfig(BASE);
    expect(config.kafka.brokers).toEqual(["k1:9092", "k2:9092"]);
    expect(config).toMatchObject({
      groupId: "cdp-router",
      inputTopics: ["cdp.raw.group", "cdp.raw.track"],
      delivery: "at-least-once",
      httpPort: 9464,
      shutdownGraceMs: 25000,
      sessionTimeoutMs: 30000,
      chunkSize: 500,
      chunkBytes: 262144,
      transformThread: true,
      partitionsConcurrently: 4,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("takes a session timeout within the broker's default bounds (6 s to 30 min)", () => {
    expect(loadWorkerConfig({ ...BASE, CDP_SESSION_TIMEOUT_MS: "10000" }).sessionTimeoutMs).toBe(10000);
    expect(problems({ ...BASE, CDP_SESSION_TIMEOUT_MS: "5000" })).toContain("CDP_SESSION_TIMEOUT_MS");
    expect(problems({ ...BASE, CDP_SESSION_TIMEOUT_MS: "1800001" })).toContain("CDP_SESSION_TIMEOUT_MS");
  });

  it("takes the local stack's addresses as defaults when none are set", () => {
    const config = loadWorkerConfig(
      {},
      { brokers: ["127.0.0.1:9092"], registryUrl: "http://127.0.0.1:8081/apis/ccompat/v7" },
    );
    expect(config.kafka.brokers).toEqual(["127.0.0.1:9092"]);
  });
});

describe("worker configuration: every bad value is reported at once, by name", () => {
  it("names each bad variable", () => {
    const text = problems({
      KAFKA_BROKERS: "nohost",
      SCHEMA_REGISTRY_URL: "registry",
      CDP_DELIVERY: "at-most-once",
      CDP_HTTP_PORT: "70000",
      CDP_INPUT_TOPICS: "bad topic!",
      KAFKA_SASL_MECHANISM: "kerberos",
      CDP_LOG_LEVEL: "loud",
    });
    for (const name of [
      "KAFKA_BROKERS",
      "SCHEMA_REGISTRY_URL",
      "CDP_DELIVERY",
      "CDP_HTTP_PORT",
      "CDP_INPUT_TOPICS",
      "KAFKA_SASL_MECHANISM",
      "CDP_LOG_LEVEL",
    ]) {
      expect(text).toContain(name);
    }
  });

  it("requires brokers and a registry", () => {
    expect(problems({})).toMatch(/KAFKA_BROKERS is required[\s\S]*SCHEMA_REGISTRY_URL is required/);
  });

  it("requires SASL credentials with a mechanism, and TLS cert and key together", () => {
    expect(problems({ ...BASE, KAFKA_SASL_MECHANISM: "scram-sha-512" })).toMatch(/needs KAFKA_SASL_USERNAME/);
    const dir = mkdtempSync(join(tmpdir(), "cdp-tls-"));
    writeFileSync(join(dir, "cert.pem"), "cert");
    expect(problems({ ...BASE, KAFKA_TLS: "true", KAFKA_TLS_CERT_FILE: join(dir, "cert.pem") })).toMatch(/go together/);
    expect(problems({ ...BASE, KAFKA_TLS_CA_FILE: "/nonexistent/ca.pem" })).toMatch(/KAFKA_TLS_CA_FILE/);
  });

  it("accepts SCRAM and TLS when complete", () => {
    const config = loadWorkerConfig({
      ...BASE,
      KAFKA_SASL_MECHANISM: "SCRAM-SHA-256",
      KAFKA_SASL_USERNAME: "u",
      KAFKA_SASL_PASSWORD: "p",
      KAFKA_TLS: "true",
    });
    expect(config.kafka.sasl).toEqual({ mechanism: "scram-sha-256", username: "u", password: "p" });
    expect(config.kafka.tls).toEqual({ rejectUnauthorized: true });
  });

  it("reports the pipeline's own problems under pipeline:", () => {
    const dir = mkdtempSync(join(tmpdir(), "cdp-pipeline-"));
    writeFileSync(join(dir, "p.json"), JSON.stringify({ limits: { maxDepth: 0 } }));
    expect(problems({ ...BASE, CDP_PIPELINE_CONFIG: join(dir, "p.json") })).toMatch(/pipeline: limits\.maxDepth/);
  });
});

describe("worker configuration: CDP_CONFIG_FILE", () => {
  it("reads the same variable names from a JSON file, the environment winning, and a pipeline section", () => {
    const dir = mkdtempSync(join(tmpdir(), "cdp-file-"));
    const file = join(dir, "worker.json");
    writeFileSync(
      file,
      JSON.stringify({
        ...BASE,
        CDP_GROUP_ID: "from-file",
        CDP_DELIVERY: "exactly-once",
        pipeline: { objectTypes: { "2": "school" } },
      }),
    );
    const config = loadWorkerConfig({ CDP_CONFIG_FILE: file, CDP_GROUP_ID: "from-env" });
    expect(config.groupId).toBe("from-env");
    expect(config.delivery).toBe("exactly-once");
    expect(config.pipeline.objectTypes["2"]).toBe("school");
  });

  it("refuses an unknown key in the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "cdp-file-"));
    writeFileSync(join(dir, "w.json"), JSON.stringify({ ...BASE, KAFKA_BROKER: "typo:9092" }));
    expect(problems({ CDP_CONFIG_FILE: join(dir, "w.json") })).toMatch(/KAFKA_BROKER is not a setting/);
  });
});

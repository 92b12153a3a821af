import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CCOMPAT_PATH } from "../../src/stack/endpoints.js";
import { REGISTRY_AUTH_PORT, stackLayout } from "../../src/stack/layout.js";
import {
  certificatePaths,
  LOCAL_KAFKA_USER,
  LOCAL_REGISTRY_USER,
  secureBootstrapServers,
} from "../../src/stack/security.js";
import { cli } from "../support/cli.js";
import { integrationHarness } from "../support/harness.js";
import { createTopic, uniqueTopic } from "../support/kafka.js";
import { collectOutputs, explainedBy, startWorker } from "../support/worker-process.js";

// The worker, `send`, `topics` and `schemas` over the local stack's SASL_SSL listener
// (SCRAM-SHA-512, a certificate signed by the stack's own CA) and its registry behind basic
// auth; wrong credentials and an untrusted certificate end start-up at once with exit code 78;
// no password appears in any log line, at any level.

const caFile = certificatePaths(join(stackLayout(process.env).runtime, "security")).caFile;
const secureRegistry = `http://127.0.0.1:${REGISTRY_AUTH_PORT}${CCOMPAT_PATH}`;
const external = Boolean(process.env.KAFKA_BROKERS || process.env.SCHEMA_REGISTRY_URL);
const SECRETS = [LOCAL_KAFKA_USER.password, LOCAL_REGISTRY_USER.password, "wrong-password-123"];

/** The environment of a client of the secured endpoints; `overrides` break one part of it. */
function secureEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_BROKERS: secureBootstrapServers(1).join(","),
    KAFKA_SASL_MECHANISM: LOCAL_KAFKA_USER.mechanism,
    KAFKA_SASL_USERNAME: LOCAL_KAFKA_USER.username,
    KAFKA_SASL_PASSWORD: LOCAL_KAFKA_USER.password,
    KAFKA_TLS_CA_FILE: caFile,
    SCHEMA_REGISTRY_URL: secureRegistry,
    SCHEMA_REGISTRY_USERNAME: LOCAL_REGISTRY_USER.username,
    SCHEMA_REGISTRY_PASSWORD: LOCAL_REGISTRY_USER.password,
    ...overrides,
  };
}

function expectNoSecrets(text: string): void {
  for (const secret of SECRETS) expect(text.includes(secret), `a password in the logs: ${secret}`).toBe(false);
}

const { admin, producer, workers } = integrationHarness("security");

describe.skipIf(external)("security: SASL_SSL and registry basic auth, for real", () => {
  it("topics, schemas and send work over SASL_SSL with the stack's CA and basic auth", async () => {
    const topics = await cli(["topics"], secureEnv());
    expect(topics.code, topics.output).toBe(0);
    expect(topics.output).toMatch(/cdp\.raw\.group/);

    const schemas = await cli(["schemas", "register"], secureEnv());
    expect(schemas.code, schemas.output).toBe(0);
    expect(schemas.output).toMatch(/cdp\.dest\.customerio-value/);

    const topic = uniqueTopic("secure-send");
    await createTopic(admin, topic, 1);
    const line = JSON.stringify({ type: "group", groupId: "g-secure", userId: "u1", messageId: "secure-1" });
    const sent = await cli(["send", "--topic", topic], secureEnv(), `${line}\n`);
    expect(sent.code, sent.output).toBe(0);
    const [offsets] = await admin.fetchTopicOffsets(topic);
    expect(Number(offsets?.high)).toBe(1);
    for (const run of [topics, schemas, sent]) expectNoSecrets(run.output);
  }, 180_000);

  it("the worker runs over SASL_SSL and registry basic auth, and logs no password even at debug level", async () => {
    const topic = uniqueTopic("secure-worker");
    await createTopic(admin, topic, 1);
    const worker = startWorker(
      secureEnv({ CDP_INPUT_TOPICS: topic, CDP_GROUP_ID: uniqueTopic("secure-group"), CDP_LOG_LEVEL: "debug" }),
    );
    workers.push(worker);
    await explainedBy(worker, worker.running);
    const messageId = `secure-${Date.now()}`;
    await producer.send({
      topic,
      acks: -1,
      messages: [{ value: JSON.stringify({ type: "group", groupId: "g-sec", userId: "u-sec", messageId }) }],
    });
    const outputs = await explainedBy(
      worker,
      collectOutputs(
        ["cdp.dest.customerio"],
        (record) => record.value?.source_topic === topic,
        (records) => records.some((r) => r.value?.message_id === messageId),
        90_000,
      ),
    );
    expect(outputs.some((r) => r.value?.message_id === messageId)).toBe(true);
    expectNoSecrets(worker.logs.join(""));
  }, 180_000);

  it("a wrong Kafka password ends start-up at once with exit code 78 and says which settings to check", async () => {
    for (const command of [["run"], ["topics"]]) {
      const run = await cli(command, secureEnv({ KAFKA_SASL_PASSWORD: "wrong-password-123", CDP_LOG_LEVEL: "debug" }));
      expect(run.code, run.output).toBe(78);
      expect(run.output).toMatch(/refused the credentials.*KAFKA_SASL_PASSWORD/);
      expect(run.seconds).toBeLessThan(30);
      expectNoSecrets(run.output);
    }
  }, 120_000);

  it("an untrusted broker certificate ends start-up at once with exit code 78", async () => {
    const { KAFKA_TLS_CA_FILE: _trusted, ...withoutCa } = secureEnv({ KAFKA_TLS: "true" });
    for (const command of [["run"], ["topics"], ["send", "--topic", "cdp.raw.group"]]) {
      const run = await cli(command, withoutCa);
      expect(run.code, run.output).toBe(78);
      expect(run.output).toMatch(/certificate is not trusted .*KAFKA_TLS_CA_FILE/);
      expect(run.seconds).toBeLessThan(30);
    }
  }, 120_000);

  it("a wrong registry password ends start-up at once with exit code 78", async () => {
    const env = secureEnv({ SCHEMA_REGISTRY_PASSWORD: "wrong-password-123", CDP_LOG_LEVEL: "debug" });
    const worker = await cli(["run"], { ...env, CDP_INPUT_TOPICS: uniqueTopic("secure-none") });
    expect(worker.code, worker.output).toBe(78);
    expect(worker.output).toMatch(/registry refused the credentials \(HTTP 401/);
    expectNoSecrets(worker.output);
    const schemas = await cli(["schemas", "check"], env);
    expect(schemas.code, schemas.output).toBe(78);
  }, 120_000);
});

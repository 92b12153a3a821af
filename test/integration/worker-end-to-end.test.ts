import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, scrapeMetrics } from "../../src/bench/worker-scrape.js";
import { DEAD_LETTER_TOPIC } from "../../src/core/topics.js";
import { DESTINATION_TOPICS } from "../../src/destinations/index.js";
import type { JsonObject } from "../../src/events/json.js";
import { pipeline } from "../support/events.js";
import { canonicalRecords, specExamplePayloads } from "../support/fixtures.js";
import { createTopic, testKafka, uniqueTopic } from "../support/kafka.js";
import {
  collectOutputs,
  contents,
  endOffsets,
  explainedBy,
  startWorker,
  type TopicPosition,
  type WorkerProcess,
} from "../support/worker-process.js";

// The spec's examples go in raw and come out of every destination topic, decoded through the
// registry, equal to what the pure pipeline (`transform`) makes of the same records.

// The raw records' timestamp: now, whole seconds. It was a fixed 2026-01-01 until the local broker's
// retention (72 hours, checked every minute) began deleting the records as expired between the
// test producing them and the worker fetching them (CI, 2026-11-27: 0 outputs, nothing logged).
const RECORD_TIME = Math.floor(Date.now() / 1000) * 1000;

describe("the worker end to end", () => {
  const input = uniqueTopic("e2e");
  const kafka = testKafka("e2e");
  let worker: WorkerProcess;
  const expected: Array<{ topic: string; key: string; value: JsonObject | null }> = [];
  const deadLetters: Array<{ offset: string; bytes: Buffer }> = [];
  let rawRecords = 0;
  let metricsPort = 0;
  let since: TopicPosition[] = [];

  beforeAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await createTopic(admin, input, 1);
    await admin.disconnect();
    since = await endOffsets([...DESTINATION_TOPICS, DEAD_LETTER_TOPIC]);
    const producer = kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
    await producer.connect();
    // Object ids made unique to this run: warehouse tombstones carry only their key.
    const suffix = input.slice(-8);
    const unique = (payload: JsonObject): JsonObject => {
      const properties = payload.properties as JsonObject | undefined;
      return {
        ...payload,
        ...(payload.groupId !== undefined ? { groupId: `${String(payload.groupId)}-${suffix}` } : {}),
        ...(properties ? { properties: { ...properties, objectId: `${String(properties.objectId)}-${suffix}` } } : {}),
      };
    };
    const deleteRelationship = {
      type: "track",
      userId: "wileecoyote",
      event: "Delete Relationship",
      properties: { objectId: "0e8c78ea" },
    };
    const raw = [
      ...specExamplePayloads().map((payload) => Buffer.from(JSON.stringify(unique(payload)))),
      Buffer.from("this line is not JSON"),
      Buffer.from([0x7b, 0xff, 0x7d]),
      Buffer.from(JSON.stringify(unique(deleteRelationship))),
    ];
    rawRecords = raw.length;
    const reference = pipeline();
    for (const bytes of raw) {
      const [ack] = await producer.send({
        topic: input,
        acks: -1,
        messages: [{ value: bytes, partition: 0, timestamp: String(RECORD_TIME) }],
      });
      const offset = ack?.baseOffset ?? "-1";
      const result = reference.process({
        bytes,
        timestamp: RECORD_TIME,
        provenance: { topic: input, partition: 0, offset },
      });
      for (const record of result.routed) expected.push({ topic: record.topic, key: record.key, value: record.value });
      if (result.deadLetters.length > 0) deadLetters.push({ offset, bytes });
    }
    await producer.disconnect();
    metricsPort = await freePort();
    worker = startWorker({
      CDP_INPUT_TOPICS: input,
      CDP_GROUP_ID: uniqueTopic("e2e-group"),
      CDP_HTTP_PORT: String(metricsPort),
    });
    await worker.running;
  }, 120_000);

  afterAll(async () => {
    worker?.child.kill("SIGTERM");
    await worker?.exited;
  });

  it("writes every destination record transform predicts, decoded through the registry", async () => {
    const mine = (r: { value: JsonObject | null; key: string | null }) =>
      r.value ? r.value.source_topic === input : expected.some((e) => e.value === null && e.key === r.key);
    const outputs = await explainedBy(
      worker,
      collectOutputs(
        [...DESTINATION_TOPICS],
        mine,
        (records) => records.length >= expected.length,
        90_000,
        false,
        since,
      ),
    );
    expect(canonicalRecords(contents(outputs))).toEqual(
      canonicalRecords(
        expected.map((e) => ({ ...e, value: e.value && (JSON.parse(JSON.stringify(e.value)) as JsonObject) })),
      ),
    );
    expect(new Set(outputs.map((o) => o.topic)).size).toBe(7);
  }, 120_000);

  it("dead-letters the bad records with their original bytes, and the partition goes on", async () => {
    const letters = await explainedBy(
      worker,
      collectOutputs(
        [DEAD_LETTER_TOPIC],
        (r) => r.value?.source_topic === input,
        (records) => records.length >= deadLetters.length,
        60_000,
        false,
        since,
      ),
    );
    expect(letters.map((l) => l.value?.code).sort()).toEqual(["invalid_encoding", "malformed_json"]);
    for (const { offset, bytes } of deadLetters) {
      const letter = letters.find((l) => String(l.value?.source_offset) === offset);
      expect(letter?.value?.original_value).toEqual(JSON.parse(JSON.stringify(bytes)));
    }
  }, 90_000);

  it("exports its counts and where the latency went (transform round trips, writes until acknowledged)", async () => {
    let text = "";
    const value = (line: string) =>
      Number(
        text
          .split("\n")
          .find((l) => l.startsWith(line))
          ?.slice(line.length),
      );
    const consumed = `cdp_router_records_consumed_total{topic="${input}"} `;
    // The outputs above are readable once acknowledged; the counts follow a moment after.
    for (let tries = 0; tries < 50; tries++) {
      text = await scrapeMetrics(metricsPort);
      if (value(consumed) === rawRecords) break;
      await sleep(200);
    }
    expect(value(consumed)).toBe(rawRecords);
    // Every chunk was transformed and written (the records above were all read back), each timed once.
    const transformed = value("cdp_router_chunk_transform_seconds_count ");
    expect(transformed).toBeGreaterThanOrEqual(1);
    expect(value("cdp_router_chunk_write_seconds_count ")).toBe(transformed);
    expect(value("cdp_router_end_to_end_latency_seconds_count ")).toBe(rawRecords);
  });
});

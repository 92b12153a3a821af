import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateEvents } from "../../src/bench/event-generator.js";
import { DESTINATION_TOPICS } from "../../src/destinations/index.js";
import type { JsonObject } from "../../src/events/json.js";
import { pipeline } from "../support/events.js";
import { canonicalRecords } from "../support/fixtures.js";
import { createTopic, testKafka, uniqueTopic } from "../support/kafka.js";
import {
  collectOutputs,
  contents,
  type DecodedRecord,
  endOffsets,
  explainedBy,
  startWorker,
  type TopicPosition,
  type WorkerProcess,
} from "../support/worker-process.js";

// CDP_TRANSFORM_THREADS: a worker with three transform threads on a four-partition raw topic
// writes exactly what the pure pipeline makes of each partition's records, and keeps each
// partition's order (its chunks all go to one thread). The same with one thread and the event
// loop (CDP_TRANSFORM_ON_MAIN=true), which takes one of the four partitions; the thread alone
// (the default) is what every other test runs.

const PARTITIONS = 4;
const PER_PARTITION = 150;
const RECORD_TIME = Math.floor(Date.now() / 1000) * 1000;

describe.each([
  { name: "three transform threads", threads: "3", onMain: "false", layout: "3 threads" },
  {
    name: "one transform thread and the event loop (CDP_TRANSFORM_ON_MAIN)",
    threads: "1",
    onMain: "true",
    layout: "1 thread and the event loop",
  },
])("the worker with $name", ({ threads, onMain, layout }) => {
  const input = uniqueTopic("threads");
  const kafka = testKafka("threads");
  let worker: WorkerProcess;
  const expected: DecodedRecord[] = [];
  let since: TopicPosition[] = [];

  beforeAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await createTopic(admin, input, PARTITIONS);
    await admin.disconnect();
    since = await endOffsets([...DESTINATION_TOPICS]);
    const producer = kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
    await producer.connect();
    // A seed of this run: object ids (and warehouse tombstone keys) differ from earlier runs'.
    const events = generateEvents(PARTITIONS * PER_PARTITION, (RECORD_TIME % 1_000_000) + Number(threads));
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const mine = events.slice(partition * PER_PARTITION, (partition + 1) * PER_PARTITION);
      const [ack] = await producer.send({
        topic: input,
        acks: -1,
        messages: mine.map((event) => ({ value: event.bytes, partition, timestamp: String(RECORD_TIME) })),
      });
      const base = BigInt(ack?.baseOffset ?? "0");
      // One reference pipeline per partition: each partition's records meet one dedupe window.
      const reference = pipeline();
      for (const [i, event] of mine.entries()) {
        const result = reference.process({
          bytes: event.bytes,
          timestamp: RECORD_TIME,
          provenance: { topic: input, partition, offset: String(base + BigInt(i)) },
        });
        for (const record of result.routed)
          expected.push({
            topic: record.topic,
            key: record.key,
            value: record.value && (JSON.parse(JSON.stringify(record.value)) as JsonObject),
          });
      }
    }
    await producer.disconnect();
    worker = startWorker({
      CDP_INPUT_TOPICS: input,
      CDP_GROUP_ID: uniqueTopic("threads-group"),
      CDP_TRANSFORM_THREADS: threads,
      CDP_TRANSFORM_ON_MAIN: onMain,
      // Small chunks: many chunks of each partition in flight through the pool.
      CDP_CHUNK_SIZE: "20",
    });
    await worker.running;
  }, 120_000);

  afterAll(async () => {
    worker?.child.kill("SIGTERM");
    await worker?.exited;
  });

  it("says where it transforms when it starts", () => {
    expect(worker.logs.join("")).toContain(`"transform":"${layout}"`);
  });

  it("writes what the pipeline makes of each partition, in each partition's order", async () => {
    const tombstones = new Set(expected.filter((e) => e.value === null).map((e) => `${e.topic}\u0000${e.key}`));
    const mine = (r: DecodedRecord) =>
      r.value ? r.value.source_topic === input : tombstones.has(`${r.topic}\u0000${r.key}`);
    const outputs = await explainedBy(
      worker,
      collectOutputs(
        [...DESTINATION_TOPICS],
        mine,
        (records) => records.length >= expected.length,
        120_000,
        false,
        since,
      ),
    );
    expect(expected.length).toBeGreaterThan(PARTITIONS * PER_PARTITION * 5);
    expect(canonicalRecords(contents(outputs))).toEqual(canonicalRecords(expected));
    // The reader reads each output partition in order: records of one key from one source
    // partition must come in their source order.
    const last = new Map<string, number>();
    for (const record of outputs) {
      if (!record.value) continue;
      const stream = `${record.topic}\u0000${record.key}\u0000${String(record.value.source_partition)}`;
      const offset = Number(record.value.source_offset);
      expect(offset).toBeGreaterThanOrEqual(last.get(stream) ?? -1);
      last.set(stream, offset);
    }
  }, 150_000);
});

import { ConfigResourceTypes } from "kafkajs";
import { describe, expect, it } from "vitest";
import { generateEvents } from "../../src/bench/event-generator.js";
import { stackLayout } from "../../src/stack/layout.js";
import { componentMarker, stopByMarker } from "../../src/stack/processes.js";
import { stackUp } from "../../src/stack/stack.js";
import { pipeline } from "../support/events.js";
import { integrationHarness } from "../support/harness.js";
import { createTopic, uniqueTopic } from "../support/kafka.js";
import {
  collectOutputs,
  endOffsets,
  type ReadRecord,
  startWorker,
  type TopicPosition,
  type WorkerProcess,
} from "../support/worker-process.js";

// Crashes, rebalances and outages: nothing may be lost, and in exactly-once mode nothing doubled.

const { admin, producer, workers } = integrationHarness("failures");

/** Sends `count` generated events to a fresh 3-partition topic; returns it and the messageIds Customer.io must receive. */
async function stream(
  count: number,
  seed: number,
): Promise<{ topic: string; expected: Set<string>; since: TopicPosition[] }> {
  const topic = uniqueTopic("stream");
  const since = await endOffsets(["cdp.dest.customerio"]);
  await createTopic(admin, topic, 3);
  const events = generateEvents(count, seed);
  const expected = new Set<string>();
  const reference = pipeline({ dedupe: { windowSize: 0 } });
  events.forEach((event, i) => {
    const result = reference.process({
      bytes: event.bytes,
      timestamp: 0,
      provenance: { topic, partition: 0, offset: String(i) },
    });
    for (const record of result.routed) {
      if (record.destination === "customerio" && typeof record.value?.message_id === "string")
        expected.add(record.value.message_id);
    }
  });
  for (let i = 0; i < events.length; i += 500) {
    await producer.send({
      topic,
      acks: -1,
      messages: events.slice(i, i + 500).map((event) => ({ value: event.bytes })),
    });
  }
  return { topic, expected, since };
}

function spawn(
  topic: string,
  group: string,
  delivery = "at-least-once",
  env: Record<string, string> = {},
): WorkerProcess {
  const worker = startWorker({
    CDP_INPUT_TOPICS: topic,
    CDP_GROUP_ID: group,
    CDP_DELIVERY: delivery,
    CDP_CHUNK_SIZE: "100",
    ...env,
  });
  workers.push(worker);
  return worker;
}

function customerioOf(
  topic: string,
  expected: Set<string>,
  readUncommitted: boolean,
  since: TopicPosition[],
  timeoutMs = 150_000,
): Promise<ReadRecord[]> {
  const ids = new Set<string>();
  return collectOutputs(
    ["cdp.dest.customerio"],
    (r) => r.value?.source_topic === topic,
    (records) => {
      const last = records[records.length - 1];
      if (last && typeof last.value?.message_id === "string") ids.add(last.value.message_id);
      return ids.size >= expected.size;
    },
    timeoutMs,
    readUncommitted,
    since,
  );
}

/** How many times each messageId was delivered. */
function deliveries(outputs: ReadRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const output of outputs) {
    const id = String(output.value?.message_id);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** Waits until the group has committed at least `minimum` offsets on `topic`. */
async function waitForProgress(group: string, topic: string, minimum: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    const committed = (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    if (committed >= minimum) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`group ${group} made no progress on ${topic}`);
}

describe("at-least-once: a worker killed mid-stream and restarted", () => {
  it("delivers every input's outputs", async () => {
    const { topic, expected, since } = await stream(3000, 21);
    const group = uniqueTopic("alo");
    const first = spawn(topic, group);
    await first.running;
    await waitForProgress(group, topic, 300);
    first.child.kill("SIGKILL");
    expect(await first.exited).toBeNull();
    const second = spawn(topic, group);
    await second.running;
    const outputs = await customerioOf(topic, expected, true, since);
    const seen = new Set(outputs.map((o) => o.value?.message_id));
    for (const id of expected) expect(seen.has(id), id).toBe(true);
  }, 240_000);
});

describe("exactly-once: a worker killed mid-stream and restarted", () => {
  it("commits every input's outputs exactly once (read_committed)", async () => {
    const { topic, expected, since } = await stream(3000, 22);
    const group = uniqueTopic("eos");
    const first = spawn(topic, group, "exactly-once");
    await first.running;
    await waitForProgress(group, topic, 300);
    first.child.kill("SIGKILL");
    await first.exited;
    const second = spawn(topic, group, "exactly-once");
    await second.running;
    const outputs = await customerioOf(topic, expected, false, since);
    const counts = deliveries(outputs);
    // Where each copy of a doubled record sits: the first thing to know when this fails.
    const where = (id: string) =>
      outputs
        .filter((o) => o.value?.message_id === id)
        .map((o) => `partition ${o.partition} offset ${o.offset}`)
        .join(", ");
    for (const id of expected) expect(counts.get(id), `${id} at ${where(id)}`).toBe(1);
    expect(outputs).toHaveLength(expected.size);
  }, 240_000);
});

describe("two workers in one group, one added mid-stream and one stopped", () => {
  it("loses nothing and leaves no partition stuck", async () => {
    const { topic, expected, since } = await stream(4000, 23);
    const group = uniqueTopic("pair");
    const first = spawn(topic, group);
    await first.running;
    await waitForProgress(group, topic, 200);
    const second = spawn(topic, group);
    await second.running;
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    const outputs = await customerioOf(topic, expected, true, since);
    const seen = new Set(outputs.map((o) => o.value?.message_id));
    for (const id of expected) expect(seen.has(id), id).toBe(true);
    // Every partition's committed offset reaches its end: none is stuck.
    const deadline = Date.now() + 30_000;
    let lag = Number.POSITIVE_INFINITY;
    while (Date.now() < deadline && lag > 0) {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      lag = ends.reduce((sum, end) => {
        const done = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? "0";
        return sum + Number(end.high) - Math.max(0, Number(done));
      }, 0);
      if (lag > 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(lag).toBe(0);
  }, 240_000);
});

describe("a schema registry outage", () => {
  const local = !process.env.SCHEMA_REGISTRY_URL;

  it.runIf(local)(
    "holds the worker at start-up without losing or committing anything, then it catches up",
    async () => {
      const layout = stackLayout();
      await stopByMarker(componentMarker(layout.registryDir), 20_000);
      try {
        const { topic, expected, since } = await stream(500, 24);
        const group = uniqueTopic("outage");
        const worker = spawn(topic, group);
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
        expect((offsets?.partitions ?? []).every((p) => Number(p.offset) <= 0)).toBe(true);
        expect(worker.logs.join("")).toMatch(/registering schemas failed; retrying/);
        await stackUp();
        const outputs = await customerioOf(topic, expected, true, since);
        const seen = new Set(outputs.map((o) => o.value?.message_id));
        for (const id of expected) expect(seen.has(id), id).toBe(true);
      } finally {
        await stackUp();
      }
    },
    240_000,
  );

  it.runIf(local)(
    "does not stop a running worker: schema ids are known from start-up",
    async () => {
      const first = await stream(10, 25);
      const group = uniqueTopic("outage-running");
      const worker = spawn(first.topic, group);
      await worker.running;
      await customerioOf(first.topic, first.expected, true, first.since);
      await stopByMarker(componentMarker(stackLayout().registryDir), 20_000);
      try {
        const events = generateEvents(300, 26);
        await producer.send({
          topic: first.topic,
          acks: -1,
          messages: events.map((event) => ({ value: event.bytes })),
        });
        // Committed progress past the new events while the registry is down: the worker went on without it.
        await waitForProgress(group, first.topic, 310);
      } finally {
        await stackUp();
      }
    },
    240_000,
  );
});

describe("a destination topic that refuses writes (its max.message.bytes set too low, then fixed)", () => {
  const destination = "cdp.dest.customerio";

  /** AlterConfigs replaces a topic's whole set of overrides: none given restores the defaults. */
  async function limitBatchBytes(limit?: number): Promise<void> {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: destination,
          configEntries: limit === undefined ? [] : [{ name: "max.message.bytes", value: String(limit) }],
        },
      ],
    });
  }

  it.each(["at-least-once", "exactly-once"])(
    "%s: pauses the partition without committing, then resumes and delivers everything once writes succeed",
    async (delivery) => {
      const { topic, expected, since } = await stream(600, delivery === "exactly-once" ? 28 : 27);
      const group = uniqueTopic("refused");
      // 128 bytes: too small for any batch of destination records, big enough for the ~80-byte
      // control batches that mark an aborted transaction (with less, aborts cannot complete).
      await limitBatchBytes(128);
      try {
        const worker = spawn(topic, group, delivery);
        await worker.running;
        const deadline = Date.now() + 90_000;
        while (!worker.logs.join("").includes("partition paused") && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 200));
        expect(worker.logs.join("")).toMatch(/producing outputs failed; partition paused/);
        const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
        expect((offsets?.partitions ?? []).every((p) => Number(p.offset) <= 0)).toBe(true);
        await limitBatchBytes();
        const outputs = await customerioOf(topic, expected, delivery === "at-least-once", since);
        const counts = deliveries(outputs);
        for (const id of expected) expect(counts.has(id), id).toBe(true);
        if (delivery === "exactly-once") {
          for (const id of expected) expect(counts.get(id), id).toBe(1);
          expect(outputs).toHaveLength(expected.size);
        }
        expect(worker.logs.join("")).toMatch(/partition resumed/);
      } finally {
        await limitBatchBytes();
      }
    },
    240_000,
  );
});

describe("large events fetched together", () => {
  it("are produced in chunks whose record batches stay under the broker's 1 MiB limit, and all arrive", async () => {
    const topic = uniqueTopic("large");
    await createTopic(admin, topic, 1);
    const since = await endOffsets(["cdp.dest.warehouse.groups"]);
    // 12 events of 200 KiB: 2.4 MB in one fetch. One chunk of them would make a 2.4 MB record
    // batch on the warehouse topic, which the broker refuses however often it is retried.
    const ids = Array.from({ length: 12 }, (_, i) => `${topic}-${i}`);
    // One send each: the input topic refuses a 2.4 MB batch as well.
    for (const [i, messageId] of ids.entries()) {
      await producer.send({
        topic,
        acks: -1,
        messages: [
          {
            value: JSON.stringify({
              type: "group",
              messageId,
              userId: `user-${i}`,
              groupId: `org-${i}`,
              traits: { name: `Org ${i}`, notes: "n".repeat(200 * 1024) },
            }),
          },
        ],
      });
    }
    // Fetches of up to 8 MiB (a throughput setting) bring all 12 in one batch.
    spawn(topic, uniqueTopic("large-group"), "at-least-once", { CDP_MAX_BYTES_PER_PARTITION: String(8 * 1024 * 1024) });
    const seen = new Set<string>();
    await collectOutputs(
      ["cdp.dest.warehouse.groups"],
      (r) => r.value?.source_topic === topic,
      (records) => {
        const id = records[records.length - 1]?.value?.message_id;
        if (typeof id === "string") seen.add(id);
        return seen.size >= ids.length;
      },
      120_000,
      true,
      since,
    );
    expect([...seen].sort()).toEqual([...ids].sort());
  }, 180_000);
});

describe("a consumer crash", () => {
  it("past the restart budget (CDP_MAX_RESTARTS=0 here), exits the process with status 1, for its supervisor to restart it", async () => {
    const topic = uniqueTopic("crash");
    await createTopic(admin, topic, 1);
    const worker = spawn(topic, uniqueTopic("crash-group"), "at-least-once", { CDP_MAX_RESTARTS: "0" });
    await worker.running;
    // Deleting the input topic under the worker exhausts kafkajs's retries (15-80 s measured here).
    await admin.deleteTopics({ topics: [topic] });
    expect(await worker.exited).toBe(1);
    expect(worker.logs.join("")).toMatch(/exiting after a consumer crash/);
  }, 180_000);

  it("a crash kafkajs calls retriable restarts the worker in the same process, which runs on", async () => {
    const topic = uniqueTopic("crash-restart");
    await createTopic(admin, topic, 1);
    const worker = spawn(topic, uniqueTopic("crash-restart-group"));
    await worker.running;
    // The same crash as above (retries exhausted); the fresh worker re-creates its input topic at start.
    await admin.deleteTopics({ topics: [topic] });
    const deadline = Date.now() + 150_000;
    const restarted = () => /restarting the worker in this process/.test(worker.logs.join(""));
    while (!restarted() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(restarted()).toBe(true);
    while ((worker.logs.join("").match(/cdp-router worker running/g) ?? []).length < 2 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(worker.child.exitCode).toBeNull();
    expect((worker.logs.join("").match(/cdp-router worker running/g) ?? []).length).toBeGreaterThanOrEqual(2);
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
  }, 200_000);
});

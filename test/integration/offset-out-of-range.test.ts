import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it, onTestFailed } from "vitest";
import { integrationHarness } from "../support/harness.js";
import { createTopic, uniqueTopic } from "../support/kafka.js";
import { lastLines, Steps } from "../support/steps.js";
import { collectOutputs, endOffsets, explainedBy, startWorker, type TopicPosition } from "../support/worker-process.js";

// Campaign run 209: while a broker's leaderships moved, a fetch got OFFSET_OUT_OF_RANGE and stock
// kafkajs committed -2 for the group ("earliest"), so the partition's next owner wrote it all
// again (124,241 duplicates under exactly-once). The patch never commits on an out-of-range fetch
// and tries the same offset again while it is at or above the log start. Here the same state is
// made on purpose, on the real broker: the group's committed offset lies beyond the end of the log,
// as it does for a moment on a new leader that has not caught up.

const { admin, producer, workers } = integrationHarness("out-of-range");

/** Group calls for one object, so that all their Customer.io records share a key and keep their order. */
function groupCalls(topic: string, from: number, to: number): Array<{ value: string }> {
  const calls: Array<{ value: string }> = [];
  for (let i = from; i < to; i++) {
    const call = { type: "group", userId: "user-1", groupId: `oor-${topic}`, messageId: `${topic}-${i}` };
    calls.push({ value: JSON.stringify({ ...call, traits: { name: "Acme", plan: `plan ${i}` } }) });
  }
  return calls;
}

/**
 * The calls whose Customer.io records the worker wrote, read up to the record of call `last`
 * (one key, so in processing order: anything processed before it has been read by then).
 */
async function customerioCalls(topic: string, last: number, since: TopicPosition[]): Promise<string[]> {
  const outputs = await collectOutputs(
    ["cdp.dest.customerio"],
    (record) => record.value?.source_topic === topic,
    (records) => records.some((record) => record.value?.message_id === `${topic}-${last}`),
    60_000,
    false,
    since,
  );
  return [...new Set(outputs.map((record) => String(record.value?.message_id)))].sort();
}

async function committedOffset(group: string, topic: string): Promise<string | undefined> {
  const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return offsets?.partitions.find((p) => p.partition === 0)?.offset;
}

async function until(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(100);
  }
}

describe("a committed offset beyond the end of the log (a new leader that has not caught up yet)", () => {
  // As below: timed steps under a limit longer than their waits together, and the worker's log on failure.
  it.each(["at-least-once", "exactly-once"])(
    "%s: the worker waits at that offset, commits nothing else, and goes on from it once the log reaches it",
    { timeout: 5 * 60_000 },
    async (delivery) => {
      const steps = new Steps();
      const topic = uniqueTopic("out-of-range");
      const group = uniqueTopic("out-of-range-group");
      const since = await steps.run("create the topic, send 10 calls, set the group to 15", 60_000, async () => {
        await createTopic(admin, topic, 1);
        const position = await endOffsets(["cdp.dest.customerio"]);
        await producer.send({ topic, acks: -1, messages: groupCalls(topic, 0, 10) });
        // The log ends at 10; the group's position is 15.
        await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: "15" }] });
        return position;
      });

      const worker = startWorker({ CDP_INPUT_TOPICS: topic, CDP_GROUP_ID: group, CDP_DELIVERY: delivery });
      workers.push(worker);
      onTestFailed(() => console.error(`the worker's last log lines:\n${lastLines(worker.logs.join(""), 40)}`));
      await steps.run("start the worker", 60_000, () => explainedBy(worker, worker.running));
      const retried = () => worker.logs.join("").includes("Offset out of range: retrying the same offset");
      await steps.run("the worker meets the out-of-range fetch (or 10 s pass)", 20_000, async () => {
        const joined = Date.now();
        await until("the worker met the out-of-range fetch", () => retried() || Date.now() - joined > 10_000);
        // Stock kafkajs committed -2 ("earliest") at this point and read the partition again from its start.
        await sleep(2_000);
      });
      expect(await committedOffset(group, topic)).toBe("15");
      expect(retried()).toBe(true);

      await steps.run("send calls 10-19; the group commits offset 20", 70_000, async () => {
        await producer.send({ topic, acks: -1, messages: groupCalls(topic, 10, 20) });
        await explainedBy(
          worker,
          until("the group committed offset 20", async () => (await committedOffset(group, topic)) === "20"),
        );
      });
      // One key, so one partition, in processing order: had the worker gone back to the start,
      // the records of calls 0-14 would come before call 19's.
      const calls = await steps.run("read the Customer.io records up to call 19", 70_000, () =>
        customerioCalls(topic, 19, since),
      );
      expect(calls).toEqual([15, 16, 17, 18, 19].map((i) => `${topic}-${i}`));
    },
  );
});

describe("a committed offset below the start of the log (its records deleted by retention)", () => {
  // Its waits are up to a minute each, longer together than vitest's default limit: a slow run
  // (CI once passed the minute with no word of where) now fails naming its step, with the worker's log.
  it("the worker goes on from the log start, says so in an error log line, and loses nothing still in the log", {
    timeout: 5 * 60_000,
  }, async () => {
    const steps = new Steps();
    const topic = uniqueTopic("below-start");
    const group = uniqueTopic("below-start-group");
    const since = await steps.run(
      "create the topic, send 10 calls, delete the first 5, set the group to 2",
      60_000,
      async () => {
        await createTopic(admin, topic, 1);
        const position = await endOffsets(["cdp.dest.customerio"]);
        await producer.send({ topic, acks: -1, messages: groupCalls(topic, 0, 10) });
        // kafkajs's deleteTopicRecords looks the leader up in metadata it does not fetch itself.
        await admin.fetchTopicOffsets(topic);
        await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: "5" }] });
        await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: "2" }] });
        return position;
      },
    );

    const worker = startWorker({ CDP_INPUT_TOPICS: topic, CDP_GROUP_ID: group, CDP_DELIVERY: "at-least-once" });
    workers.push(worker);
    onTestFailed(() => console.error(`the worker's last log lines:\n${lastLines(worker.logs.join(""), 40)}`));
    await steps.run("start the worker", 60_000, () => explainedBy(worker, worker.running));
    await steps.run("the group commits offset 10", 70_000, () =>
      explainedBy(
        worker,
        until("the group committed offset 10", async () => (await committedOffset(group, topic)) === "10"),
      ),
    );
    expect(worker.logs.join("")).toContain("Offset below the log start (records deleted)");
    const calls = await steps.run("read the Customer.io records of calls 5-9", 70_000, () =>
      customerioCalls(topic, 9, since),
    );
    expect(calls).toEqual([5, 6, 7, 8, 9].map((i) => `${topic}-${i}`));
  });
});

import { describe, expect, it } from "vitest";
import { group } from "../support/events.js";
import { integrationHarness } from "../support/harness.js";
import { createTopic, testKafka, uniqueTopic } from "../support/kafka.js";
import { collectOutputs, endOffsets, explainedBy, startWorker } from "../support/worker-process.js";

// Raw topics written by transactional producers (an upstream exactly-once pipeline): the worker
// reads read_committed and must never process a record of an aborted transaction. Two producers'
// aborted transactions interleave on one partition; the broker lists them in the order of their
// abort markers, which stock kafkajs took for the order of their first offsets: it handed the
// first producer's aborted record to the worker as committed (docs/kafkajs-patch.md).

const { workers } = integrationHarness("transactional-input");

describe("a raw topic written in transactions", () => {
  it("only the committed transactions' records are processed, however aborted ones interleave", async () => {
    const input = uniqueTopic("txn-input");
    const kafka = testKafka("txn-input");
    const admin = kafka.admin();
    await admin.connect();
    await createTopic(admin, input, 1);
    await admin.disconnect();
    const since = await endOffsets(["cdp.dest.customerio"]);
    const suffix = input.slice(-8);
    const event = (name: string) => ({
      value: JSON.stringify(group({ groupId: `acme-${suffix}`, messageId: `${name}-${suffix}`, traits: { name } })),
      partition: 0,
    });
    const producer = (id: string) =>
      kafka.producer({ transactionalId: `${input}.${id}`, idempotent: true, maxInFlightRequests: 1 });
    const first = producer("first");
    const second = producer("second");
    await first.connect();
    await second.connect();
    try {
      const a = await first.transaction();
      await a.send({ topic: input, messages: [event("aborted-first-1")] });
      const b = await second.transaction();
      await b.send({ topic: input, messages: [event("aborted-second")] });
      await b.abort();
      await a.send({ topic: input, messages: [event("aborted-first-2")] });
      await a.abort();
      const c = await second.transaction();
      await c.send({ topic: input, messages: [event("committed")] });
      await c.commit();
    } finally {
      await first.disconnect();
      await second.disconnect();
    }

    const worker = startWorker({ CDP_INPUT_TOPICS: input, CDP_GROUP_ID: uniqueTopic("txn-input-group") });
    workers.push(worker);
    await worker.running;
    // One group id, one key: every output goes to one partition in input order, so an aborted
    // record processed by mistake is read before the committed one ends the read.
    const outputs = await explainedBy(
      worker,
      collectOutputs(
        ["cdp.dest.customerio"],
        (r) => r.value?.source_topic === input,
        (records) => records.some((r) => r.value?.message_id === `committed-${suffix}`),
        90_000,
        false,
        since,
      ),
    );
    expect(outputs.map((o) => o.value?.message_id)).toEqual([`committed-${suffix}`]);
  }, 180_000);
});

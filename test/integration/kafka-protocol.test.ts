import type { Admin, Consumer, EachBatchPayload, Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTopic, testKafka, uniqueTopic } from "../support/kafka.js";

// The broker features cdp-router's worker depends on, as kafkajs 2.2.4 speaks them. This file
// is how a broker line is judged compatible (README: "Which Kafka").

const kafka = testKafka("kafka-protocol");
let admin: Admin;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await admin.disconnect();
});

async function connectedProducer(options: Parameters<typeof kafka.producer>[0] = {}): Promise<Producer> {
  const producer = kafka.producer({ allowAutoTopicCreation: false, ...options });
  await producer.connect();
  cleanups.push(() => producer.disconnect());
  return producer;
}

async function connectedConsumer(groupId: string, readUncommitted = true): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, readUncommitted });
  await consumer.connect();
  cleanups.push(() => consumer.disconnect());
  return consumer;
}

/** Collects the values of `count` messages from `topic`, or fails after 30 s. */
function collect(consumer: Consumer, topic: string, count: number): Promise<string[]> {
  const values: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${values.length}/${count} messages on ${topic}`)), 30_000);
    consumer.subscribe({ topics: [topic], fromBeginning: true }).then(
      () =>
        consumer.run({
          eachMessage: async ({ message }) => {
            values.push(message.value?.toString("utf8") ?? "");
            if (values.length === count) {
              clearTimeout(timer);
              resolve(values);
            }
          },
        }),
      reject,
    );
  });
}

describe("broker compatibility with kafkajs 2.2.4", () => {
  it("creates topics explicitly and refuses to auto-create one", async () => {
    const topic = uniqueTopic("explicit");
    await createTopic(admin, topic, 2);
    expect(await admin.listTopics()).toContain(topic);
    const producer = await connectedProducer({ retry: { retries: 1 } });
    await expect(producer.send({ topic: uniqueTopic("never-created"), messages: [{ value: "x" }] })).rejects.toThrow();
  });

  it("an idempotent producer with acks=-1 writes, and offsets by timestamp find the record", async () => {
    const topic = uniqueTopic("idempotent");
    await createTopic(admin, topic);
    const producer = await connectedProducer({ idempotent: true, maxInFlightRequests: 1 });
    const before = Date.now();
    await producer.send({ topic, acks: -1, messages: [{ value: "a" }, { value: "b" }] });
    const [partition] = await admin.fetchTopicOffsetsByTimestamp(topic, before - 1_000);
    expect(partition?.offset).toBe("0");
    const [latest] = await admin.fetchTopicOffsets(topic);
    expect(latest?.high).toBe("2");
  });

  it("a consumer group resolves offsets by hand in eachBatch and commits the next offset", async () => {
    const topic = uniqueTopic("manual-commit");
    await createTopic(admin, topic);
    const producer = await connectedProducer();
    await producer.send({ topic, messages: ["1", "2", "3"].map((value) => ({ value })) });
    const groupId = uniqueTopic("group");
    const consumer = await connectedConsumer(groupId);
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachBatchAutoResolve: false,
          autoCommit: false,
          eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary }: EachBatchPayload) => {
            for (const message of batch.messages) {
              seen.push(message.value?.toString("utf8") ?? "");
              resolveOffset(message.offset);
              await heartbeat();
            }
            await consumer.commitOffsets([
              { topic, partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) },
            ]);
            await commitOffsetsIfNecessary();
            if (seen.length === 3) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.stop();
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(seen).toEqual(["1", "2", "3"]);
    expect(committed?.partitions[0]?.offset).toBe("3");
  });

  it("a transaction commits records and consumer offsets together; read_committed skips an aborted one", async () => {
    const input = uniqueTopic("txn-in");
    const output = uniqueTopic("txn-out");
    await createTopic(admin, input);
    await createTopic(admin, output);
    const groupId = uniqueTopic("txn-group");
    const producer = await connectedProducer({
      idempotent: true,
      maxInFlightRequests: 1,
      transactionalId: uniqueTopic("txn-id"),
    });

    const aborted = await producer.transaction();
    await aborted.send({ topic: output, messages: [{ value: "aborted" }] });
    await aborted.abort();

    const committed = await producer.transaction();
    await committed.send({ topic: output, messages: [{ value: "committed" }] });
    await committed.sendOffsets({
      consumerGroupId: groupId,
      topics: [{ topic: input, partitions: [{ partition: 0, offset: "42" }] }],
    });
    await committed.commit();

    const reader = await connectedConsumer(uniqueTopic("reader"), false);
    expect(await collect(reader, output, 1)).toEqual(["committed"]);
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [input] });
    expect(offsets?.partitions[0]?.offset).toBe("42");
  });

  it("describes the cluster, topics' configs and groups", async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.brokers.length).toBeGreaterThanOrEqual(1);
    expect(cluster.controller).not.toBeNull();
    const groups = await admin.listGroups();
    expect(Array.isArray(groups.groups)).toBe(true);
  });
});

import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

// kafkajs 2.2.4's idempotent and transactional produce paths, patched at install
// (docs/kafkajs-patch.md), driven through kafkajs's own EOS manager against a fake broker that
// keeps idempotent producer state as Kafka does: a batch whose sequence numbers match one it
// already wrote is answered with that batch's offset and not written again; a batch that does
// not follow the last one is refused with OUT_OF_ORDER_SEQUENCE_NUMBER.

const require = createRequire(import.meta.url);
interface Message {
  partition: number;
  value: string;
}
type Send = (request: {
  acks: number;
  timeout: number;
  topicMessages: Array<{ topic: string; messages: Message[] }>;
}) => Promise<Array<{ topicName: string; partition: number; baseOffset: string }>>;
type EosManager = {
  initProducerId(): Promise<void>;
  beginTransaction(): void;
};
const createSendMessages = require("kafkajs/src/producer/sendMessages.js") as (options: unknown) => Send;
const createEosManager = require("kafkajs/src/producer/eosManager/index.js") as (options: unknown) => EosManager;
const createRetry = require("kafkajs/src/retry/index.js") as (options: unknown) => unknown;
const { createErrorFromCode } = require("kafkajs/src/protocol/error.js") as {
  createErrorFromCode: (code: number) => Error;
};
const { KafkaJSRequestTimeoutError } = require("kafkajs/src/errors.js") as {
  KafkaJSRequestTimeoutError: new (message: string) => Error;
};

const OUT_OF_ORDER_SEQUENCE_NUMBER = 45;
const CONCURRENT_TRANSACTIONS = 51;
const TOPIC = "t";
const RETRY = { retries: 5, initialRetryTime: 1, maxRetryTime: 5 };
const quiet = () => undefined;
const logger = { debug: quiet, info: quiet, warn: quiet, error: quiet };

interface Written {
  readonly firstSequence: number;
  readonly lastSequence: number;
  readonly offset: number;
}

/** One partition's log and its idempotent producer state (one producer id, as in these tests). */
class PartitionLog {
  readonly values: string[] = [];
  private readonly batches: Written[] = [];

  append(firstSequence: number, messages: Message[]): number {
    const lastSequence = firstSequence + messages.length - 1;
    const same = this.batches.find((b) => b.firstSequence === firstSequence && b.lastSequence === lastSequence);
    if (same) return same.offset; // a retry of a batch already written: Kafka answers with its offset
    const expected = (this.batches.at(-1)?.lastSequence ?? -1) + 1;
    if (firstSequence !== expected) throw createErrorFromCode(OUT_OF_ORDER_SEQUENCE_NUMBER);
    const offset = this.values.length;
    this.values.push(...messages.map((m) => m.value));
    this.batches.push({ firstSequence, lastSequence, offset });
    if (this.batches.length > 5) this.batches.shift();
    return offset;
  }
}

interface ProduceRequest {
  topicData: Array<{
    topic: string;
    partitions: Array<{ partition: number; firstSequence: number; messages: Message[] }>;
  }>;
}

/**
 * One broker leading every partition. `loseAnswer(n)`: the n-th produce request is written, but
 * its answer never arrives (the broker was killed or stalled after writing it).
 */
function idempotentBroker(loseAnswer: (nth: number) => boolean) {
  const logs = new Map<number, PartitionLog>();
  const logOf = (partition: number) => {
    let log = logs.get(partition);
    if (!log) {
      log = new PartitionLog();
      logs.set(partition, log);
    }
    return log;
  };
  let produced = 0;
  const addPartitionsCalls: number[][] = [];
  let addingPartitions = false;
  const broker = {
    nodeId: 1,
    async initProducerId() {
      return { producerId: 7, producerEpoch: 0 };
    },
    async addPartitionsToTxn({ topics }: { topics: Array<{ partitions: number[] }> }) {
      // The coordinator refuses a second AddPartitionsToTxn while one is being handled.
      if (addingPartitions) throw createErrorFromCode(CONCURRENT_TRANSACTIONS);
      addingPartitions = true;
      await new Promise((resolve) => setTimeout(resolve, 2));
      addingPartitions = false;
      addPartitionsCalls.push(topics.flatMap((t) => t.partitions));
    },
    async produce({ topicData }: ProduceRequest) {
      const nth = ++produced;
      await new Promise((resolve) => setTimeout(resolve, 1));
      const partitions = topicData[0]?.partitions ?? [];
      const results = partitions.map(({ partition, firstSequence, messages }) => ({
        partition,
        errorCode: 0,
        baseOffset: String(logOf(partition).append(firstSequence, messages)),
      }));
      if (loseAnswer(nth)) throw new KafkaJSRequestTimeoutError("Request produce(key: 0, version: 7) timed out");
      return { topics: [{ topicName: TOPIC, partitions: results }] };
    },
  };
  return { broker, logOf, addPartitionsCalls };
}

async function producerWith(
  broker: ReturnType<typeof idempotentBroker>["broker"],
  leaders: Record<number, number>,
  transactional = false,
) {
  const brokers = new Map<number, object>([[1, broker]]);
  for (const nodeId of new Set(Object.values(leaders)))
    if (!brokers.has(nodeId)) brokers.set(nodeId, { ...broker, nodeId });
  const cluster = {
    retry: RETRY,
    targetTopics: new Set([TOPIC]),
    async refreshMetadataIfNecessary() {},
    async refreshMetadata() {},
    async addMultipleTargetTopics() {},
    isConnected: () => true,
    async connect() {},
    removeBroker() {},
    findTopicPartitionMetadata: () =>
      Object.entries(leaders).map(([partition, leader]) => ({ partitionId: Number(partition), leader })),
    findLeaderForPartitions(_topic: string, partitions: string[]) {
      const result: Record<string, number[]> = {};
      for (const id of partitions) {
        const leader = leaders[Number(id)];
        if (leader !== undefined) result[leader] = [...(result[leader] ?? []), Number(id)];
      }
      return result;
    },
    async findBroker({ nodeId }: { nodeId: string }) {
      return brokers.get(Number(nodeId));
    },
    async findControllerBroker() {
      return broker;
    },
    async findGroupCoordinator() {
      return broker;
    },
  };
  const eosManager = createEosManager({
    logger,
    cluster,
    transactional,
    transactionalId: transactional ? "tx" : undefined,
  });
  await eosManager.initProducerId();
  if (transactional) eosManager.beginTransaction();
  const send = createSendMessages({
    logger,
    cluster,
    partitioner: ({ message }: { message: Message }) => message.partition,
    eosManager,
    retrier: createRetry(RETRY),
  });
  return send;
}

const batch = (name: string, partition: number, count: number): Message[] =>
  Array.from({ length: count }, (_, i) => ({ partition, value: `${name}${i}` }));

describe("kafkajs idempotent sends: sequence numbers are never reused for other records", () => {
  it("a batch written whose answer was lost is not shadowed by a concurrent batch of the same length", async () => {
    // Send A's request is written but its answer is lost. Stock kafkajs handed A's sequence
    // numbers back, the concurrent send B took them, and the broker took B for a retry of A:
    // B resolved with A's offset and B's records were never written.
    const { broker, logOf } = idempotentBroker((nth) => nth === 1);
    const send = await producerWith(broker, { 0: 1 });
    const a = send({ acks: -1, timeout: 1000, topicMessages: [{ topic: TOPIC, messages: batch("a", 0, 3) }] });
    const b = send({ acks: -1, timeout: 1000, topicMessages: [{ topic: TOPIC, messages: batch("b", 0, 3) }] });
    const settled = await Promise.allSettled([a, b]);
    const values = logOf(0).values;
    for (const [i, name] of ["a", "b"].entries()) {
      if (settled[i]?.status === "fulfilled")
        expect(values).toEqual(expect.arrayContaining(batch(name, 0, 3).map((m) => m.value)));
    }
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "fulfilled"]);
  });

  it("a retry carries the sequence numbers of its first attempt, so the broker writes the records once", async () => {
    const { broker, logOf } = idempotentBroker((nth) => nth === 1);
    const send = await producerWith(broker, { 0: 1 });
    await send({ acks: -1, timeout: 1000, topicMessages: [{ topic: TOPIC, messages: batch("a", 0, 4) }] });
    expect(logOf(0).values).toEqual(["a0", "a1", "a2", "a3"]);
  });

  it("sends after a lost answer follow on from it, whatever their length", async () => {
    const { broker, logOf } = idempotentBroker((nth) => nth === 1);
    const send = await producerWith(broker, { 0: 1 });
    const sends = [batch("a", 0, 2), batch("b", 0, 5), batch("c", 0, 2)].map((messages) =>
      send({ acks: -1, timeout: 1000, topicMessages: [{ topic: TOPIC, messages }] }),
    );
    const settled = await Promise.allSettled(sends);
    const written = new Set(logOf(0).values);
    settled.forEach((result, i) => {
      const name = ["a", "b", "c"][i] ?? "";
      const expected = [2, 5, 2][i] ?? 0;
      // A send may fail (its caller fetches the records again), but one that resolves was written.
      if (result.status === "fulfilled")
        for (const m of batch(name, 0, expected)) expect(written.has(m.value), `${m.value} written`).toBe(true);
    });
  });
});

describe("kafkajs transactional sends", () => {
  it("one AddPartitionsToTxn per attempt holds every partition, whichever broker leads it", async () => {
    // Stock kafkajs sent one AddPartitionsToTxn per broker at the same time; the coordinator
    // refuses the second with CONCURRENT_TRANSACTIONS.
    const { broker, addPartitionsCalls } = idempotentBroker(() => false);
    const send = await producerWith(broker, { 0: 1, 1: 2, 2: 3 }, true);
    await send({
      acks: -1,
      timeout: 1000,
      topicMessages: [{ topic: TOPIC, messages: [...batch("a", 0, 1), ...batch("b", 1, 1), ...batch("c", 2, 1)] }],
    });
    expect(addPartitionsCalls).toHaveLength(1);
    expect([...(addPartitionsCalls[0] ?? [])].sort()).toEqual([0, 1, 2]);
  });
});

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

// kafkajs 2.2.4's produce retry path, patched at install (scripts/patch-kafkajs.mjs,
// docs/kafkajs-patch.md), driven with the response sequences that lost or duplicated records in
// stock kafkajs: a fake cluster and fake brokers answer exactly as a failing-over cluster does.

const require = createRequire(import.meta.url);
type Send = (request: {
  acks: number;
  timeout: number;
  topicMessages: Array<{ topic: string; messages: Array<{ partition: number; value: string }> }>;
}) => Promise<Array<{ topicName: string; partition: number }>>;
const createSendMessages = require("kafkajs/src/producer/sendMessages.js") as (options: unknown) => Send;
const createRetry = require("kafkajs/src/retry/index.js") as (options: unknown) => unknown;
const { createErrorFromCode } = require("kafkajs/src/protocol/error.js") as {
  createErrorFromCode: (code: number) => Error;
};

const NOT_LEADER_FOR_PARTITION = 6;
const TOPIC = "t";

interface ProduceCall {
  readonly broker: number;
  readonly partitions: number[];
  readonly ok: boolean;
}

type PartitionLeaders = Record<number, number | undefined>;

/**
 * A cluster whose metadata is `leaders[0]` until the first refresh, then `leaders[1]`, and so on.
 * `answer(broker, attempt)` says how a broker answers its n-th produce request.
 */
function fakeCluster(
  leaders: PartitionLeaders[],
  answer: (broker: number, nth: number) => { fail?: boolean; delayMs?: number },
) {
  let generation = 0;
  const calls: ProduceCall[] = [];
  const counts = new Map<number, number>();
  const metadata = () => {
    const current = leaders[Math.min(generation, leaders.length - 1)] ?? {};
    return Object.entries(current).map(([partition, leader]) => ({ partitionId: Number(partition), leader }));
  };
  const brokers = new Map<number, object>();
  const brokerFor = (nodeId: number) => {
    let broker = brokers.get(nodeId);
    if (!broker) {
      broker = {
        nodeId,
        async produce({
          topicData,
        }: {
          topicData: Array<{ topic: string; partitions: Array<{ partition: number }> }>;
        }) {
          const nth = (counts.get(nodeId) ?? 0) + 1;
          counts.set(nodeId, nth);
          const { fail, delayMs } = answer(nodeId, nth);
          if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
          const partitions = topicData.flatMap((t) => t.partitions.map((p) => p.partition));
          calls.push({ broker: nodeId, partitions, ok: !fail });
          if (fail) throw createErrorFromCode(NOT_LEADER_FOR_PARTITION);
          return {
            topics: topicData.map((t) => ({
              topicName: t.topic,
              partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode: 0, baseOffset: "0" })),
            })),
          };
        },
      };
      brokers.set(nodeId, broker);
    }
    return broker;
  };
  const cluster = {
    targetTopics: new Set([TOPIC]),
    async refreshMetadataIfNecessary() {},
    async refreshMetadata() {
      generation++;
    },
    async addMultipleTargetTopics() {},
    isConnected: () => true,
    async connect() {},
    removeBroker() {},
    findTopicPartitionMetadata: () => metadata(),
    findLeaderForPartitions(_topic: string, partitions: string[]) {
      const result: Record<string, number[]> = {};
      for (const id of partitions) {
        const found = metadata().find((p) => p.partitionId === Number(id));
        if (!found || found.leader === undefined) continue; // stock kafkajs leaves such a partition out
        result[found.leader] = [...(result[found.leader] ?? []), Number(id)];
      }
      return result;
    },
    async findBroker({ nodeId }: { nodeId: string }) {
      return brokerFor(Number(nodeId));
    },
  };
  const eosManager = {
    async acquireBrokerLock() {},
    async releaseBrokerLock() {},
    isTransactional: () => false,
    getSequence: () => 0,
    updateSequence() {},
    getProducerId: () => -1,
    getProducerEpoch: () => 0,
  };
  const quiet = () => undefined;
  const send = createSendMessages({
    logger: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    cluster,
    partitioner: ({ message }: { message: { partition: number } }) => message.partition,
    eosManager,
    retrier: createRetry({ retries: 5, initialRetryTime: 1, maxRetryTime: 5 }),
  });
  return { send, calls };
}

const messages = (partitions: number[]) =>
  partitions.map((partition) => ({ partition, value: `record for partition ${partition}` }));

/** Partitions that some broker acknowledged. */
const acknowledged = (calls: readonly ProduceCall[]) =>
  new Set(calls.filter((call) => call.ok).flatMap((call) => call.partitions));

describe("kafkajs send(): resolves only when every partition is acknowledged by its current leader", () => {
  it("the partitions a failed broker led are sent again, even when their new leader already answered (kafkajs#1303)", async () => {
    // Broker 1 leads partition 0, broker 2 partition 1. Broker 2 answers NOT_LEADER; the refreshed
    // metadata makes broker 1 the leader of both. Stock kafkajs kept broker 1's first answer and
    // resolved without ever sending partition 1 again.
    const { send, calls } = fakeCluster(
      [
        { 0: 1, 1: 2 },
        { 0: 1, 1: 1 },
      ],
      (broker, nth) => ({ fail: broker === 2 && nth === 1 }),
    );
    await send({ acks: -1, timeout: 1000, topicMessages: [{ topic: TOPIC, messages: messages([0, 1]) }] });
    expect(acknowledged(calls)).toEqual(new Set([0, 1]));
    expect(calls).toContainEqual({ broker: 1, partitions: [1], ok: true });
  });

  it("a partition acknowledged once is not sent again when a sibling's retry goes to the same broker", async () => {
    const { send, calls } = fakeCluster(
      [
        { 0: 1, 1: 2 },
        { 0: 1, 1: 1 },
      ],
      (broker, nth) => ({ fail: broker === 2 && nth === 1 }),
    );
    await send({ acks: -1, timeout: 1000, topicMessages: [{ topic: TOPIC, messages: messages([0, 1]) }] });
    const sendsOfPartition0 = calls.filter((call) => call.ok && call.partitions.includes(0));
    expect(sendsOfPartition0).toHaveLength(1);
  });

  it("a partition missing from the refreshed metadata fails the attempt instead of vanishing", async () => {
    const { send, calls } = fakeCluster(
      [
        { 0: 1, 1: 2 },
        { 0: 1 }, // partition 1 has no metadata for a moment
        { 0: 1, 1: 3 },
      ],
      (broker, nth) => ({ fail: broker === 2 && nth === 1 }),
    );
    await send({ acks: -1, timeout: 1000, topicMessages: [{ topic: TOPIC, messages: messages([0, 1]) }] });
    expect(acknowledged(calls)).toEqual(new Set([0, 1]));
    expect(calls).toContainEqual({ broker: 3, partitions: [1], ok: true });
  });

  it("a retry waits for the failed attempt's other requests, so no partition is in flight twice", async () => {
    // Broker 1 answers slowly and successfully; broker 2 fails at once. Stock kafkajs retried
    // while broker 1's request was still in flight and sent partition 0 a second time.
    const { send, calls } = fakeCluster(
      [
        { 0: 1, 1: 2 },
        { 0: 1, 1: 3 },
      ],
      (broker, nth) => ({ fail: broker === 2 && nth === 1, delayMs: broker === 1 ? 30 : 0 }),
    );
    await send({ acks: -1, timeout: 1000, topicMessages: [{ topic: TOPIC, messages: messages([0, 1]) }] });
    expect(calls.filter((call) => call.partitions.includes(0))).toHaveLength(1);
    expect(acknowledged(calls)).toEqual(new Set([0, 1]));
  });

  it("a send whose partitions never get a leader fails, never resolves", async () => {
    const { send } = fakeCluster([{ 0: 1, 1: 2 }, { 0: 1 }], (broker, nth) => ({ fail: broker === 2 && nth === 1 }));
    await expect(
      send({ acks: -1, timeout: 1000, topicMessages: [{ topic: TOPIC, messages: messages([0, 1]) }] }),
    ).rejects.toThrow(/No leader known for partition\(s\) 1 of t/);
  });
});

describe("the kafkajs patch is installed", () => {
  it("node_modules/kafkajs carries the patched sendMessages.js (npm ci's postinstall applied it)", () => {
    const installed = readFileSync(require.resolve("kafkajs/src/producer/sendMessages.js"));
    const patched = readFileSync(
      new URL("../../../patches/kafkajs-2.2.4/src/producer/sendMessages.js", import.meta.url),
    );
    expect(installed.equals(patched)).toBe(true);
  });
});

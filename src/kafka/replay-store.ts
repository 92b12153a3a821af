import type { Admin, Kafka } from "kafkajs";
import { UsageError } from "../ops/usage-error.js";
import { decodePlan, encodePlan, type ReplayPlan } from "../replay/plan.js";
import {
  type Bound,
  type OffsetsForTimes,
  type Parsed,
  type PartitionOffsets,
  type PartitionRange,
  planRange,
} from "../replay/range.js";
import { PRODUCER_DEFAULTS } from "./client.js";
import { readRanges } from "./topic-reader.js";

/**
 * Replay plans, one record per replay id, in a compacted topic: a replay run again (after Ctrl-C,
 * SIGKILL or a pod eviction) finds its range as first fixed, so it stops at the same end.
 */
export const REPLAY_PLANS_TOPIC = "cdp.replay.plans";

export async function ensurePlansTopic(admin: Admin, replication: number): Promise<void> {
  const existing = await admin.listTopics();
  if (existing.includes(REPLAY_PLANS_TOPIC)) return;
  await admin
    .createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: REPLAY_PLANS_TOPIC,
          numPartitions: 1,
          replicationFactor: replication,
          configEntries: [{ name: "cleanup.policy", value: "compact" }],
        },
      ],
    })
    .catch((error: unknown) => {
      // Another replay created it first.
      if (!(error instanceof Error) || !/exists/i.test(error.message)) throw error;
    });
}

/** The stored plan of `id`, or undefined. Reads the whole (small, compacted) topic. */
export async function readPlan(kafka: Kafka, admin: Admin, id: string): Promise<ReplayPlan | undefined> {
  const ranges = (await admin.fetchTopicOffsets(REPLAY_PLANS_TOPIC)).map((p) => ({
    topic: REPLAY_PLANS_TOPIC,
    partition: p.partition,
    start: BigInt(p.low),
    end: BigInt(p.high),
  }));
  let found: Buffer | null | undefined;
  await readRanges(kafka, admin, REPLAY_PLANS_TOPIC, ranges, (message) => {
    // The last record of the id wins (a tombstone, null, removes it).
    if (message.key?.toString() === id) found = message.value;
  });
  if (found === undefined || found === null) return undefined;
  const plan = decodePlan(found.toString());
  if (!plan.ok) throw new Error(`replay ${id}: ${plan.error}`);
  return plan.value;
}

export async function writePlan(kafka: Kafka, plan: ReplayPlan): Promise<void> {
  const producer = kafka.producer({ ...PRODUCER_DEFAULTS, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({
      topic: REPLAY_PLANS_TOPIC,
      acks: -1,
      messages: [{ key: plan.id, value: encodePlan(plan) }],
    });
  } finally {
    await producer.disconnect();
  }
}

/** Log start and end of every partition of `topics`; an unknown topic is an error naming it. */
export async function partitionOffsets(admin: Admin, topics: readonly string[]): Promise<PartitionOffsets[]> {
  const existing = new Set(await admin.listTopics());
  const unknown = topics.filter((topic) => !existing.has(topic));
  if (unknown.length > 0) throw new UsageError(`unknown topic(s): ${unknown.join(", ")}`);
  const result: PartitionOffsets[] = [];
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      result.push({ topic, partition: p.partition, low: BigInt(p.low), high: BigInt(p.high) });
    }
  }
  return result;
}

/** The first offset at or after `ms` per partition (the log end where there is none), keyed `topic:partition`. */
export async function offsetsForTime(
  admin: Admin,
  topics: readonly string[],
  ms: number,
): Promise<Map<string, bigint>> {
  const result = new Map<string, bigint>();
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsetsByTimestamp(topic, ms)) {
      result.set(`${topic}:${p.partition}`, BigInt(p.offset));
    }
  }
  return result;
}

/**
 * The range of `topics` between two bounds, fixed now: each partition's log start and end, and
 * the offsets for the instants among the bounds (`planRange` does the rest).
 */
export async function rangeNow(
  admin: Admin,
  topics: readonly string[],
  from: Bound,
  to: Bound,
): Promise<Parsed<PartitionRange[]>> {
  const offsets = await partitionOffsets(admin, topics);
  const forTimes: OffsetsForTimes = {
    ...(from.kind === "time" ? { from: await offsetsForTime(admin, topics, from.ms) } : {}),
    ...(to.kind === "time" ? { to: await offsetsForTime(admin, topics, to.ms) } : {}),
  };
  return planRange(from, to, offsets, forTimes);
}

/** The group's committed offsets, keyed `topic:partition` (partitions without one are left out). */
export async function committedOffsets(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
): Promise<Map<string, bigint>> {
  const result = new Map<string, bigint>();
  for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics: [...topics] })) {
    for (const p of partitions) if (Number(p.offset) >= 0) result.set(`${topic}:${p.partition}`, BigInt(p.offset));
  }
  return result;
}

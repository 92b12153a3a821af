import type { Admin } from "kafkajs";
import { type PartitionPlan, planPartitions } from "./partition-plan.js";

export interface TopicPlan {
  readonly created: string[];
  readonly existing: string[];
}

/**
 * Creates the topics that do not exist yet (the broker never auto-creates them), leaving
 * existing ones as they are. Partitions and replication apply to new topics only.
 */
export async function ensureTopics(
  admin: Admin,
  topics: readonly string[],
  partitions: number,
  replication: number,
): Promise<TopicPlan> {
  const present = new Set(await admin.listTopics());
  const missing = [...new Set(topics)].filter((topic) => !present.has(topic));
  if (missing.length > 0) {
    await admin.createTopics({
      topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: replication })),
      waitForLeaders: true,
    });
  }
  return { created: missing, existing: topics.filter((topic) => present.has(topic)) };
}

/** The partition count of each of `topics` that exists. */
export async function partitionCounts(admin: Admin, topics: readonly string[]): Promise<Map<string, number>> {
  const present = new Set(await admin.listTopics());
  const existing = [...new Set(topics)].filter((topic) => present.has(topic));
  if (existing.length === 0) return new Map();
  const { topics: metadata } = await admin.fetchTopicMetadata({ topics: existing });
  return new Map(metadata.map((topic) => [topic.name, topic.partitions.length]));
}

/**
 * Raises every topic below `target` partitions to it. Refuses (changing nothing) when any topic
 * already has more: Kafka cannot take partitions away. Keyed order: records of one key written
 * after the change may land in another partition than those written before (README, "Scaling out").
 */
export async function raisePartitions(admin: Admin, topics: readonly string[], target: number): Promise<PartitionPlan> {
  const plan = planPartitions(await partitionCounts(admin, topics), target);
  if (plan.wouldShrink.length > 0 || plan.raise.length === 0) return plan;
  await admin.createPartitions({ topicPartitions: plan.raise.map(({ topic }) => ({ topic, count: target })) });
  return plan;
}

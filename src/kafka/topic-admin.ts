import type { Admin } from "kafkajs";

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

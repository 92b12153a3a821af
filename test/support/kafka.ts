import { randomUUID } from "node:crypto";
import { type Admin, Kafka, logLevel } from "kafkajs";
import { inject } from "vitest";
import { silenceKafkajsTimeoutWarning } from "../../src/kafka/warnings.js";

silenceKafkajsTimeoutWarning();

/** A kafkajs client on the stack the integration setup started (or the external one). */
export function testKafka(clientId = "cdp-router-test"): Kafka {
  return new Kafka({ clientId, brokers: inject("kafkaBrokers"), logLevel: logLevel.NOTHING });
}

/** A topic name no other test or earlier run has used: tests share one broker. */
export function uniqueTopic(prefix: string): string {
  return `test.${prefix}.${randomUUID().slice(0, 8)}`;
}

export async function createTopic(admin: Admin, topic: string, numPartitions = 1): Promise<void> {
  const created = await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
  if (!created) throw new Error(`topic ${topic} already existed`);
}

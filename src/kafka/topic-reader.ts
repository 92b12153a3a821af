import { randomUUID } from "node:crypto";
import type { Admin, Kafka, KafkaMessage } from "kafkajs";
import type { PartitionRange } from "../replay/range.js";

/**
 * Reads [start, end) of each range of one topic, once, in offset order per partition, with a
 * throwaway consumer group that commits nothing and is deleted afterwards. For small reads that
 * are not a replay: a replay's stored plan, `dlq list`.
 */
export async function readRanges(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  ranges: readonly PartitionRange[],
  each: (message: KafkaMessage, partition: number) => Promise<void> | void,
): Promise<void> {
  const left = new Map(ranges.filter((r) => r.end > r.start).map((r) => [r.partition, r]));
  if (left.size === 0) return;
  const groupId = `cdp-router-reader-${randomUUID()}`;
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.setOffsets({
    groupId,
    topic,
    partitions: offsets.map((p) => ({
      partition: p.partition,
      offset: String(left.get(p.partition)?.start ?? p.high),
    })),
  });
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic] });
    await new Promise<void>((resolve, reject) => {
      // kafkajs's lastOffset counts transaction markers, which never come as messages: a read of a
      // transactional topic (cdp.dlq under exactly-once) ends on one, and a fetch of markers only
      // never reaches eachBatch, only this event.
      const reached = (partition: number, lastOffset: string) => {
        const range = left.get(partition);
        if (range && BigInt(lastOffset) >= range.end - 1n) left.delete(partition);
        if (left.size === 0) resolve();
      };
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        if (payload.batchSize === 0) reached(payload.partition, payload.lastOffset);
      });
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const range = left.get(batch.partition);
            if (!range) return;
            for (const message of batch.messages) {
              const offset = BigInt(message.offset);
              if (offset >= range.end) break;
              if (offset >= range.start) await each(message, batch.partition);
            }
            reached(batch.partition, batch.lastOffset());
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
}

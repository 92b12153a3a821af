import type { Admin, Kafka, KafkaMessage } from "kafkajs";
import type { Logger } from "../ops/logger.js";
import type { WorkerMetrics } from "../ops/metrics.js";
import { aboveFloor, CommittedFloors } from "./committed-floors.js";
import { type Delivery, type OutputsByTopic, topicMessages } from "./delivery.js";
import { TransactionalProducers } from "./transactional-producers.js";

/**
 * exactly-once: each chunk is one Kafka transaction holding its outputs and its input offset,
 * written by its partition's transactional producer. Before a partition's first batch after an
 * assignment or a failed transaction, the records a predecessor's transaction already committed
 * are skipped (CommittedFloors). Readers of the outputs use isolation.level=read_committed.
 */
export class ExactlyOnceDelivery implements Delivery {
  readonly consumerCommits = false;
  private readonly producers: TransactionalProducers;
  /** Reads the group's committed offsets for the floors; connected on first use. */
  private admin: Promise<Admin> | undefined;
  private readonly floors: CommittedFloors;

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    private readonly logger: Logger,
    private readonly metrics: WorkerMetrics,
  ) {
    this.producers = new TransactionalProducers(kafka, groupId);
    this.floors = new CommittedFloors({
      settle: (topic, partition) => this.producers.get(topic, partition),
      fetch: async (topic, partition) => {
        const admin = await this.offsetsAdmin();
        const [offsets] = await admin.fetchOffsets({ groupId: this.groupId, topics: [topic] });
        const committed = offsets?.partitions.find((p) => p.partition === partition)?.offset;
        return committed !== undefined && Number(committed) >= 0 ? BigInt(committed) : undefined;
      },
    });
  }

  async start(): Promise<void> {}

  async assigned(assignment: Record<string, number[]>): Promise<void> {
    // A new generation: predecessors may have committed since the floors were read.
    this.floors.clear();
    for (const reason of await this.producers.assign(assignment))
      this.logger.warn({ err: reason }, "making a transactional producer failed; retried on first use");
  }

  async admit(
    topic: string,
    partition: number,
    messages: readonly KafkaMessage[],
    resolveOffset: (offset: string) => void,
  ): Promise<readonly KafkaMessage[]> {
    const floor = await this.floors.floor(topic, partition);
    const above = aboveFloor(messages, floor);
    if (above.skippedThrough === undefined) return messages;
    // Committed by a predecessor's transaction after kafkajs read the group's offsets.
    resolveOffset(above.skippedThrough);
    const skipped = messages.length - above.messages.length;
    this.metrics.skippedCommitted.inc({ topic }, skipped);
    this.logger.info(
      { topic, partition, committed: String(floor), skipped },
      "skipped records a predecessor already committed",
    );
    return above.messages;
  }

  /** One transaction holding a chunk's outputs and its input offset; aborted on any failure. */
  async send(topic: string, partition: number, outputs: OutputsByTopic, nextOffset: string): Promise<void> {
    const producer = await this.producers.get(topic, partition);
    const transaction = await producer.transaction();
    try {
      // One produce request for every destination topic (a send per topic cost a round trip each).
      await transaction.sendBatch({ topicMessages: topicMessages(outputs), acks: -1 });
      await transaction.sendOffsets({
        consumerGroupId: this.groupId,
        topics: [{ topic, partitions: [{ partition, offset: nextOffset }] }],
      });
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      // A fresh producer re-initialises the transactional id: whatever state the failure left
      // (a fenced epoch, a transaction the broker still holds open) is cleared before the retry.
      await this.producers.drop(topic, partition);
      // Whether that transaction committed (a commit whose answer was lost) is read again before
      // this partition's next batch.
      this.floors.forget(topic, partition);
      throw error;
    }
  }

  private offsetsAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      this.admin = admin.connect().then(() => admin);
      this.admin.catch(() => {
        this.admin = undefined;
      });
    }
    return this.admin;
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.producers.closeAll(), this.admin?.then((admin) => admin.disconnect())]);
  }
}

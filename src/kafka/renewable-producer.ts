import type { Kafka, Producer, ProducerBatch, ProducerConfig, RecordMetadata } from "kafkajs";

/**
 * The at-least-once producer, replaced by a fresh one after any failed send. A failed request
 * can leave kafkajs's idempotent sequence numbers out of step with the broker's (measured: after
 * a MESSAGE_TOO_LARGE, the next sends to other partitions failed with OUT_OF_ORDER_SEQUENCE_NUMBER
 * and, in one run, never recovered). A new producer gets a new producer id, so its sequences
 * start again at 0; Java's producer bumps its epoch for the same reason. The failed producer is
 * disconnected once no other send still uses it.
 */
export class RenewableProducer {
  private producer: Producer;
  private connected: Promise<void>;
  private readonly sending = new Map<Producer, number>();

  constructor(
    private readonly kafka: Kafka,
    private readonly config: ProducerConfig,
  ) {
    this.producer = kafka.producer(config);
    this.connected = this.producer.connect();
    this.connected.catch(() => undefined); // reported by connect() or the next send
  }

  /** Resolves once the first producer is connected; rejects if it cannot connect. */
  async connect(): Promise<void> {
    await this.connected;
  }

  async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    const producer = this.producer;
    this.sending.set(producer, (this.sending.get(producer) ?? 0) + 1);
    try {
      await this.connected;
      return await producer.sendBatch(batch);
    } catch (error) {
      this.renew(producer);
      throw error;
    } finally {
      const left = (this.sending.get(producer) ?? 1) - 1;
      if (left > 0) this.sending.set(producer, left);
      else this.sending.delete(producer);
      if (producer !== this.producer && left === 0) await producer.disconnect().catch(() => undefined);
    }
  }

  private renew(failed: Producer): void {
    if (failed !== this.producer) return; // another send already replaced it
    this.producer = this.kafka.producer(this.config);
    this.connected = this.producer.connect();
    this.connected.catch(() => undefined); // awaited by the next send, which renews again on failure
  }

  async disconnect(): Promise<void> {
    await Promise.allSettled([this.producer.disconnect(), ...[...this.sending.keys()].map((p) => p.disconnect())]);
  }
}

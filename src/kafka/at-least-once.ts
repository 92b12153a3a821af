import type { Kafka, KafkaMessage } from "kafkajs";
import { PRODUCER_DEFAULTS } from "./client.js";
import { type Delivery, type OutputsByTopic, topicMessages } from "./delivery.js";
import { RenewableProducer } from "./renewable-producer.js";

/**
 * at-least-once: outputs go through one idempotent producer with acks=-1; the worker resolves a
 * chunk's input offset only after its outputs are acknowledged, and the consumer commits only
 * resolved offsets. After a crash, records since the last commit are processed again.
 */
export class AtLeastOnceDelivery implements Delivery {
  readonly consumerCommits = true;
  private producer?: RenewableProducer;

  constructor(private readonly kafka: Kafka) {}

  /**
   * Made once start-up has reached Kafka (a producer connects as soon as it is made). Each call
   * makes a fresh producer, so that a failed start can be retried: kafkajs's idempotent producer
   * does not retry registering itself (InitProducerId) with a broker that refuses the connection
   * (one still listed while it restarts), and the chaos campaign saw workers exit there.
   */
  async start(): Promise<void> {
    const previous = this.producer;
    this.producer = new RenewableProducer(this.kafka, {
      ...PRODUCER_DEFAULTS,
      idempotent: true,
      maxInFlightRequests: 5,
    });
    await previous?.disconnect().catch(() => undefined);
    await this.producer.connect();
  }

  async assigned(): Promise<void> {}

  async admit(_topic: string, _partition: number, messages: readonly KafkaMessage[]): Promise<readonly KafkaMessage[]> {
    return messages;
  }

  send(_topic: string, _partition: number, outputs: OutputsByTopic): Promise<unknown> {
    if (!this.producer) return Promise.reject(new Error("at-least-once delivery not started"));
    return this.producer.sendBatch({ topicMessages: topicMessages(outputs), acks: -1 });
  }

  async stop(): Promise<void> {
    await this.producer?.disconnect();
  }
}

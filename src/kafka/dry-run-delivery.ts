import type { KafkaMessage } from "kafkajs";
import type { Delivery } from "./delivery.js";

/**
 * A replay's `--dry-run`: every record is transformed and encoded as it would be, then dropped.
 * Nothing is produced and no offset is committed (the consumer does not commit either).
 */
export class DryRunDelivery implements Delivery {
  readonly consumerCommits = false;
  async start(): Promise<void> {}
  async assigned(): Promise<void> {}
  async admit(_topic: string, _partition: number, messages: readonly KafkaMessage[]): Promise<readonly KafkaMessage[]> {
    return messages;
  }
  async send(): Promise<void> {}
  async stop(): Promise<void> {}
}

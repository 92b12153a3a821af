import type { KafkaMessage, Message } from "kafkajs";

/** Destination messages of one chunk, by topic, in input order. */
export type OutputsByTopic = Map<string, Message[]>;

/** kafkajs's batch of messages per topic, as sendBatch takes them. */
export function topicMessages(byTopic: OutputsByTopic): Array<{ topic: string; messages: Message[] }> {
  return [...byTopic.entries()].map(([topic, messages]) => ({ topic, messages }));
}

/**
 * How a chunk's outputs reach Kafka and how its input offset is settled: at-least-once
 * (at-least-once.ts) or exactly-once (exactly-once.ts). The worker's loop is the same for both.
 */
export interface Delivery {
  /** at-least-once: the consumer commits resolved offsets itself; exactly-once: each transaction commits its own. */
  readonly consumerCommits: boolean;
  /** Connects what the delivery needs before the consumer starts. */
  start(): Promise<void>;
  /** A new group generation: this member now owns `assignment`. */
  assigned(assignment: Record<string, number[]>): Promise<void>;
  /**
   * The records of a fetched batch that still need processing; `resolveOffset` is called for
   * records skipped as already committed. Rejects when that cannot be told yet (the partition
   * backs off and the batch is fetched again).
   */
  admit(
    topic: string,
    partition: number,
    messages: readonly KafkaMessage[],
    resolveOffset: (offset: string) => void,
  ): Promise<readonly KafkaMessage[]>;
  /** Writes one chunk's outputs; `nextOffset` is the input offset after the chunk. Resolves once acknowledged. */
  send(topic: string, partition: number, outputs: OutputsByTopic, nextOffset: string): Promise<unknown>;
  stop(): Promise<void>;
}

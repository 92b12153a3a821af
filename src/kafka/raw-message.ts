import type { IHeaders } from "kafkajs";

/** What the transform and the dead-letter record need of a consumed Kafka message. */
export interface RawMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: string;
  readonly offset: string;
  readonly headers?: IHeaders | undefined;
}

import type { IHeaders } from "kafkajs";

/** What the transform and the dead-letter record need of a consumed Kafka message. */
export interface RawMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: string;
  readonly offset: string;
  readonly headers?: IHeaders | undefined;
  /** A dead letter being re-driven (`cdp-router dlq replay`): where its raw record came from, and its history. */
  readonly origin?: Redriven | undefined;
}

/** The raw record a dead letter holds: its position (the outputs' provenance) and what happened to it before. */
export interface Redriven {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** How many times it has been dead-lettered so far. */
  readonly attempt: number;
  /** The code it was dead-lettered with last time. */
  readonly code: string;
}

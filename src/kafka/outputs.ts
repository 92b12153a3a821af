import type { KafkaMessage, Message } from "kafkajs";
import type { DeadLetter, RecordResult } from "../pipeline/outcome.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import { deadLetterRecord } from "./dead-letters.js";
import type { RecordEncoder } from "./encoder.js";
import { DEAD_LETTER_TOPIC } from "./topics.js";

export interface ChunkOutputs {
  /** Messages to produce, by topic, in input order. */
  readonly byTopic: Map<string, Message[]>;
  readonly results: RecordResult[];
  /** Dead letters the worker added beside the pipeline's: records that could not be encoded. */
  readonly extraDeadLetters: DeadLetter[];
}

function push(byTopic: Map<string, Message[]>, topic: string, message: Message): void {
  const list = byTopic.get(topic);
  if (list) list.push(message);
  else byTopic.set(topic, [message]);
}

/**
 * Runs one chunk of raw messages through the pipeline and encodes every output: destination
 * records as Avro under their key, dead letters to cdp.dlq with the raw bytes and headers. A
 * record that cannot be encoded, or a pipeline that throws, is dead-lettered instead of
 * stopping the partition (a poison record must not block the ones behind it).
 */
export function chunkOutputs(
  topic: string,
  partition: number,
  messages: readonly KafkaMessage[],
  pipeline: Pipeline,
  encoder: RecordEncoder,
  workerId: string,
  now: number,
): ChunkOutputs {
  const byTopic = new Map<string, Message[]>();
  const results: RecordResult[] = [];
  const extraDeadLetters: DeadLetter[] = [];
  for (const message of messages) {
    const deadLetters: DeadLetter[] = [];
    let result: RecordResult;
    try {
      result = pipeline.process({
        bytes: message.value ?? Buffer.alloc(0),
        timestamp: Number(message.timestamp),
        provenance: { topic, partition, offset: message.offset },
      });
    } catch (error) {
      const deadLetter: DeadLetter = {
        code: "internal_error",
        message: `pipeline error: ${(error as Error).message}`,
        stage: "validate",
      };
      result = { outcome: "dead_letter", routed: [], skipped: [], deadLetters: [deadLetter], warnings: [] };
    }
    results.push(result);
    for (const record of result.routed) {
      try {
        const value = record.value === null ? null : encoder.encode(record.topic, record.value);
        push(byTopic, record.topic, { key: record.key, value });
      } catch (error) {
        const deadLetter: DeadLetter = {
          code: "encoding_failed",
          message: `${record.topic}: ${(error as Error).message}`,
          stage: "destination",
          destination: record.destination,
        };
        deadLetters.push(deadLetter);
        extraDeadLetters.push(deadLetter);
      }
    }
    const refused = deadLetters.length > 0 ? [...result.deadLetters, ...deadLetters] : result.deadLetters;
    if (refused.length === 0) continue;
    const raw = {
      topic,
      partition,
      offset: message.offset,
      timestamp: message.timestamp,
      key: message.key,
      value: message.value,
      headers: message.headers ?? {},
    };
    for (const deadLetter of refused) {
      push(byTopic, DEAD_LETTER_TOPIC, {
        key: message.key,
        value: encoder.encode(DEAD_LETTER_TOPIC, deadLetterRecord(raw, deadLetter, workerId, now)),
      });
    }
  }
  return { byTopic, results, extraDeadLetters };
}

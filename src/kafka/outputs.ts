import type { Message } from "kafkajs";
import type { RecordEncoder } from "../avro/encoder.js";
import type { ArenaSizer, RecordArena } from "../avro/record-arena.js";
import { addCounts, tally, tallySkipsAndWarnings } from "../core/counts.js";
import type { DeadLetter, DeliveryMark, InputOutcome, RecordResult } from "../core/outcome.js";
import { DEAD_LETTER_TOPIC } from "../core/topics.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import { deadLetterRecord } from "./dead-letters.js";
import type { RawMessage } from "./raw-message.js";

/** How a chunk's records ended, for the metrics: counts by label. */
export interface ChunkSummary {
  consumed: number;
  /** Input records by how they ended once encoded: routed (one record or more written), skipped or dead-lettered. */
  outcomes: Record<InputOutcome, number>;
  /** Input records about an object whose Kafka key is not that object's id (order per object is then not kept). */
  keyMismatches: number;
  routed: Record<string, number>;
  skipped: Record<string, number>;
  deadLetters: Record<string, number>;
  warnings: Record<string, number>;
}

/** What a chunk is transformed with. */
export interface TransformTools {
  readonly pipeline: Pipeline;
  readonly encoder: RecordEncoder;
  /** Written into dead letters. */
  readonly workerId: string;
  /**
   * The largest destination record (key and Avro value) the worker writes; a larger one is
   * dead-lettered as `record_too_large`. The broker would refuse it on every retry, stalling the
   * partition for good.
   */
  readonly maxRecordBytes: number;
  /** Sizes each chunk's arena from the chunks before it. */
  readonly arenas: ArenaSizer;
}

export interface ChunkOutputs {
  /** Messages to produce, by topic, in input order. */
  readonly byTopic: Map<string, Message[]>;
  /** Holds the bytes of the chunk's keys and values (they are views of it), when it was encoded here. */
  readonly arena?: RecordArena;
  readonly summary: ChunkSummary;
  /** The deliveries the chunk added to the dedupe window: taken back if its outputs are never written. */
  readonly remembered: DeliveryMark[];
}

const EMPTY: Buffer = Buffer.alloc(0);

function push(byTopic: Map<string, Message[]>, topic: string, message: Message): void {
  const list = byTopic.get(topic);
  if (list) list.push(message);
  else byTopic.set(topic, [message]);
}

/** Whether a raw key is exactly `id` in UTF-8, without decoding it. */
function keyIs(key: Buffer | null, id: string): boolean {
  return key !== null && key.length === Buffer.byteLength(id) && key.toString() === id;
}

export function emptySummary(): ChunkSummary {
  return {
    consumed: 0,
    outcomes: { routed: 0, skipped: 0, dead_letter: 0 },
    keyMismatches: 0,
    routed: {},
    skipped: {},
    deadLetters: {},
    warnings: {},
  };
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
  messages: readonly RawMessage[],
  transform: TransformTools,
  now: number,
): ChunkOutputs {
  const remembered: DeliveryMark[] = [];
  try {
    return encodeChunk(topic, partition, messages, transform, now, remembered);
  } catch (error) {
    // Nothing of the chunk is written: the deliveries it remembered so far must not make its
    // events look like duplicates when they are fetched again.
    transform.pipeline.forget(remembered);
    throw error;
  }
}

/** chunkOutputs' work; `remembered` collects the deliveries added to the dedupe window. */
function encodeChunk(
  topic: string,
  partition: number,
  messages: readonly RawMessage[],
  transform: TransformTools,
  now: number,
  remembered: DeliveryMark[],
): ChunkOutputs {
  const { pipeline, encoder, workerId, maxRecordBytes, arenas } = transform;
  let rawBytes = 0;
  for (const message of messages) rawBytes += message.value?.length ?? 0;
  const arena = arenas.arenaFor(rawBytes);
  const byTopic = new Map<string, Message[]>();
  const summary = emptySummary();
  let keyText: string | undefined;
  let keyBytes = EMPTY;
  for (const message of messages) {
    const deadLetters: DeadLetter[] = [];
    let result: RecordResult;
    try {
      result = pipeline.process({
        bytes: message.value ?? Buffer.alloc(0),
        timestamp: Number(message.timestamp),
        // A re-driven dead letter's outputs name its raw record, not the dead-letter topic.
        provenance: message.origin ?? { topic, partition, offset: message.offset },
      });
    } catch (error) {
      const deadLetter: DeadLetter = {
        code: "internal_error",
        message: `pipeline error: ${(error as Error).message}`,
        stage: "pipeline",
      };
      result = { outcome: "dead_letter", routed: [], skipped: [], deadLetters: [deadLetter], warnings: [] };
    }
    summary.consumed++;
    if (result.objectId !== undefined && !keyIs(message.key, result.objectId)) summary.keyMismatches++;
    if (result.remembered !== undefined) remembered.push(result.remembered);
    let written = 0;
    for (const record of result.routed) {
      try {
        // An event's records mostly share one key (the object's id): its bytes are written once.
        if (record.key !== keyText) {
          keyText = record.key;
          keyBytes = arena.writeString(keyText);
        }
        const value = record.value === null ? null : encoder.encodeInto(arena, record.topic, record.value);
        const bytes = (value?.length ?? 0) + keyBytes.length;
        if (bytes > maxRecordBytes) {
          if (value) arena.dropLast(value);
          pipeline.forgetDestination(result.remembered, record.destination);
          deadLetters.push({
            code: "record_too_large",
            message: `${record.topic}: the record is ${bytes} bytes; the limit is ${maxRecordBytes} (CDP_MAX_RECORD_BYTES)`,
            stage: "destination",
            destination: record.destination,
          });
          continue;
        }
        push(byTopic, record.topic, { key: keyBytes, value });
        tally(summary.routed, record.destination);
        written++;
      } catch (error) {
        pipeline.forgetDestination(result.remembered, record.destination);
        deadLetters.push({
          code: "encoding_failed",
          message: `${record.topic}: ${(error as Error).message}`,
          stage: "destination",
          destination: record.destination,
        });
      }
    }
    tallySkipsAndWarnings(result, summary.skipped, summary.warnings);
    const refused = deadLetters.length > 0 ? [...result.deadLetters, ...deadLetters] : result.deadLetters;
    summary.outcomes[written > 0 ? "routed" : refused.length > 0 ? "dead_letter" : "skipped"]++;
    if (refused.length === 0) continue;
    for (const deadLetter of refused) {
      tally(summary.deadLetters, deadLetter.code);
      push(byTopic, DEAD_LETTER_TOPIC, {
        key: message.key,
        value: encoder.encodeInto(
          arena,
          DEAD_LETTER_TOPIC,
          deadLetterRecord({ topic, partition }, message, deadLetter, workerId, now),
        ),
      });
    }
  }
  arenas.observe(rawBytes, arena);
  return { byTopic, arena, summary, remembered };
}

/**
 * The outputs of one chunk transformed in consecutive parts, as one transform of the whole chunk
 * gives them: each topic's messages in input order, the counts added up, the remembered
 * deliveries in order. The parts keep their own arenas (their messages are views of them); the
 * whole has none, so it is for the calling thread, not for the wire to another one.
 */
export function joinChunkOutputs(parts: readonly ChunkOutputs[]): ChunkOutputs {
  const byTopic = new Map<string, Message[]>();
  const summary = emptySummary();
  const remembered: DeliveryMark[] = [];
  for (const part of parts) {
    for (const [topic, messages] of part.byTopic) {
      const list = byTopic.get(topic);
      if (list) for (const message of messages) list.push(message);
      else byTopic.set(topic, [...messages]);
    }
    summary.consumed += part.summary.consumed;
    summary.keyMismatches += part.summary.keyMismatches;
    addCounts(summary.outcomes, part.summary.outcomes);
    addCounts(summary.routed, part.summary.routed);
    addCounts(summary.skipped, part.summary.skipped);
    addCounts(summary.deadLetters, part.summary.deadLetters);
    addCounts(summary.warnings, part.summary.warnings);
    for (const mark of part.remembered) remembered.push(mark);
  }
  return { byTopic, summary, remembered };
}

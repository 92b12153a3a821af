import type { DeadLetter } from "../core/outcome.js";
import type { RawMessage } from "./raw-message.js";

function bytes(value: Buffer | string | undefined): Buffer | null {
  if (value === undefined) return null;
  return typeof value === "string" ? Buffer.from(value) : value;
}

/** A `cdp.dlq` record (schemas/cdp.dlq.avsc). */
export interface DeadLetterValue {
  readonly original_key: Buffer | null;
  readonly original_value: Buffer | null;
  readonly headers: ReadonlyArray<{ readonly key: string; readonly value: Buffer | null }>;
  readonly source_topic: string;
  readonly source_partition: number;
  readonly source_offset: number;
  readonly source_timestamp: number;
  readonly code: string;
  readonly message: string;
  readonly stage: string;
  readonly destination: string | null;
  readonly failed_at: number;
  readonly worker_id: string;
  readonly attempt: number;
  readonly previous_code: string | null;
}

/**
 * The `cdp.dlq` record for a raw record: its bytes and headers whole, and why it was refused. A
 * re-driven dead letter keeps its raw record's position and counts one more attempt.
 */
export function deadLetterRecord(
  source: { readonly topic: string; readonly partition: number },
  raw: RawMessage,
  deadLetter: DeadLetter,
  workerId: string,
  now: number,
): DeadLetterValue {
  const headers: Array<{ key: string; value: Buffer | null }> = [];
  for (const [key, value] of Object.entries(raw.headers ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) headers.push({ key, value: bytes(item) });
  }
  return {
    original_key: raw.key,
    original_value: raw.value,
    headers,
    source_topic: raw.origin?.topic ?? source.topic,
    source_partition: raw.origin?.partition ?? source.partition,
    source_offset: Number(raw.origin?.offset ?? raw.offset),
    source_timestamp: Number(raw.timestamp),
    code: deadLetter.code,
    message: deadLetter.message,
    stage: deadLetter.stage,
    destination: deadLetter.destination ?? null,
    failed_at: now,
    worker_id: workerId,
    attempt: (raw.origin?.attempt ?? 0) + 1,
    previous_code: raw.origin?.code ?? null,
  };
}

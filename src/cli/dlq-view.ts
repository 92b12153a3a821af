import { type Counts, tally } from "../core/counts.js";
import type { DeadLetterValue } from "../kafka/dead-letters.js";

const SHOWN_CHARACTERS = 200;
const SHOWN_BYTES = 120;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Raw bytes for a terminal, safely: UTF-8 text as a JSON string (control characters and escape
 * sequences escaped, never written raw), cut at 200 characters; anything else as base64.
 */
export function showBytes(bytes: Uint8Array | null): string {
  if (bytes === null) return "null";
  let text: string | undefined;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    const cut = text.length > SHOWN_CHARACTERS ? `${text.slice(0, SHOWN_CHARACTERS)}` : text;
    // JSON.stringify escapes C0 controls; C1 controls and bidi overrides are escaped here too.
    const quoted = JSON.stringify(cut).replace(
      /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
    return `${quoted}${text.length > SHOWN_CHARACTERS ? "..." : ""} (${bytes.length} bytes)`;
  }
  const head = Buffer.from(bytes.subarray(0, SHOWN_BYTES)).toString("base64");
  return `base64:${head}${bytes.length > SHOWN_BYTES ? "..." : ""} (${bytes.length} bytes, not UTF-8)`;
}

/** What `dlq list` counts. */
export class DeadLetterCounts {
  total = 0;
  readonly byCode: Counts = {};
  readonly byStage: Counts = {};
  readonly byDestination: Counts = {};
  readonly byAttempt: Counts = {};

  add(deadLetter: DeadLetterValue): void {
    this.total++;
    tally(this.byCode, deadLetter.code);
    tally(this.byStage, deadLetter.stage);
    tally(this.byDestination, deadLetter.destination ?? "(whole event)");
    tally(this.byAttempt, String(deadLetter.attempt));
  }
}

const counted = (counts: Counts) =>
  Object.entries(counts)
    .sort(([, a], [, b]) => b - a)
    .map(([label, n]) => `${label} ${n}`)
    .join(", ") || "none";

/** One dead letter, readable. */
export function describeDeadLetter(offset: string, partition: number, deadLetter: DeadLetterValue): string[] {
  const where = `${deadLetter.source_topic}[${deadLetter.source_partition}]@${deadLetter.source_offset}`;
  return [
    `cdp.dlq[${partition}]@${offset}  ${new Date(deadLetter.failed_at).toISOString()}  ${deadLetter.code} (${deadLetter.stage}${deadLetter.destination ? `, ${deadLetter.destination}` : ""})  from ${where}  attempt ${deadLetter.attempt}${deadLetter.previous_code ? ` (before: ${deadLetter.previous_code})` : ""}`,
    `  ${deadLetter.message}`,
    `  key:   ${showBytes(deadLetter.original_key)}`,
    `  value: ${showBytes(deadLetter.original_value)}`,
  ];
}

export function describeCounts(counts: DeadLetterCounts, read: number): string[] {
  return [
    `${counts.total} dead letter(s) selected of ${read} read`,
    `by code: ${counted(counts.byCode)}`,
    `by stage: ${counted(counts.byStage)}`,
    `by destination: ${counted(counts.byDestination)}`,
    `by attempt: ${counted(counts.byAttempt)}`,
  ];
}

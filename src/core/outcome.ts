import type { JsonObject } from "../events/json.js";

/**
 * What the dedupe window remembers of one delivery: a messageId and the destinations (as bits of
 * the pipeline's destination list) that received a record for it.
 */
export interface DeliveryMark {
  readonly messageId: string;
  readonly destinations: number;
}

/**
 * Stable dead-letter codes. A code is never renamed or reused for another meaning: dashboards,
 * alerts and replay tooling key on them (docs/errors.md lists each with its cause).
 */
export type DeadLetterCode =
  | "malformed_json"
  | "invalid_encoding"
  | "too_large"
  | "too_deep"
  | "too_many_keys"
  | "not_an_object"
  | "missing_type"
  | "unknown_type"
  | "invalid_id"
  | "missing_group_id"
  | "missing_event"
  | "invalid_traits"
  | "invalid_properties"
  | "invalid_object_type_id"
  | "invalid_relationship_attributes"
  | "missing_object_id"
  | "missing_user"
  | "destination_limit"
  | "encoding_failed"
  | "record_too_large"
  | "internal_error";

export type SkipReason =
  | "unsupported_type"
  | "not_semantic"
  | "duplicate"
  | "no_destination"
  | "unsupported_by_destination";

export type WarningCode =
  | "invalid_timestamp"
  | "invalid_created_at"
  | "trait_conflict"
  | "relationship_without_user"
  | "invalid_address"
  | "array_dropped"
  | "value_dropped"
  | "property_renamed"
  | "invalid_integration_setting";

/** The stage that decided; `pipeline` is the pipeline as a whole (`internal_error`: it threw). */
export type Stage =
  | "parse"
  | "validate"
  | "normalise"
  | "semantic"
  | "dedupe"
  | "integrations"
  | "destination"
  | "pipeline";

export interface Warning {
  readonly code: WarningCode;
  readonly message: string;
}

export interface DeadLetter {
  readonly code: DeadLetterCode;
  readonly message: string;
  readonly stage: Stage;
  /** Set when one destination refused the event and the others may still have taken it. */
  readonly destination?: string;
}

export interface Skip {
  readonly reason: SkipReason;
  readonly message: string;
  /** Set when one destination does not support the event (`unsupported_by_destination`). */
  readonly destination?: string;
}

export interface RoutedRecord {
  readonly destination: string;
  readonly topic: string;
  /** `<objectTypeId>:<objectId>` (plus the person for keys that name one). */
  readonly key: string;
  /** The destination record as plain JSON; null is a tombstone (a Kafka record with no value). */
  readonly value: JsonObject | null;
  /** What this destination's mapping noticed (each destination's record carries only its own). */
  readonly warnings?: readonly Warning[];
}

export type InputOutcome = "routed" | "skipped" | "dead_letter";

/**
 * Everything one input record became. `outcome` classifies the input as a whole, so that inputs
 * always balance: routed when at least one destination record was produced, else dead_letter when
 * anything refused it, else skipped.
 */
export interface RecordResult {
  readonly outcome: InputOutcome;
  readonly routed: readonly RoutedRecord[];
  readonly skipped: readonly Skip[];
  readonly deadLetters: readonly DeadLetter[];
  /** What the stages before the destinations noticed, for every destination alike. */
  readonly warnings: readonly Warning[];
  /** The deliveries this record added to the dedupe window, if it added any. */
  readonly remembered?: DeliveryMark | undefined;
  /**
   * The id of the object the event is about, once the pipeline knows it (group calls and semantic
   * events that got that far): the raw record's key should be it, for order per object.
   */
  readonly objectId?: string | undefined;
}

/** Calls `count` with every warning code of a result: the event's own, then each destination record's. */
export function eachWarningCode(result: RecordResult, count: (code: WarningCode) => void): void {
  for (const warning of result.warnings) count(warning.code);
  for (const record of result.routed) {
    if (record.warnings) for (const warning of record.warnings) count(warning.code);
  }
}

export function classify(routed: readonly RoutedRecord[], deadLetters: readonly DeadLetter[]): InputOutcome {
  if (routed.length > 0) return "routed";
  return deadLetters.length > 0 ? "dead_letter" : "skipped";
}

/** A stage's answer: a value to pass on, or the end of the road for this record. */
export type StepResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly deadLetter: DeadLetter }
  | { readonly ok: false; readonly skip: Skip };

export function ok<T>(value: T): StepResult<T> {
  return { ok: true, value };
}

export function deadLetter(stage: Stage, code: DeadLetterCode, message: string): { ok: false; deadLetter: DeadLetter } {
  return { ok: false, deadLetter: { code, message, stage } };
}

export function skip(reason: SkipReason, message: string): { ok: false; skip: Skip } {
  return { ok: false, skip: { reason, message } };
}

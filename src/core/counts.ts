import { eachWarningCode, type RecordResult } from "./outcome.js";

/** Counts by label: a destination, a skip reason, a dead-letter or warning code. */
export type Counts = Record<string, number>;

export function tally(counts: Counts, label: string): void {
  counts[label] = (counts[label] ?? 0) + 1;
}

/** Adds every count of `from` to `into`. */
export function addCounts(into: Counts, from: Readonly<Counts>): void {
  for (const [label, n] of Object.entries(from)) into[label] = (into[label] ?? 0) + n;
}

/**
 * Counts what every summary of results counts alike: the skip reasons and the warning codes (the
 * event's own and each destination record's). Routed records and dead letters are counted by the
 * caller: the worker counts only records that encoded, and dead-letters the ones that did not.
 */
export function tallySkipsAndWarnings(result: RecordResult, skipped: Counts, warnings: Counts): void {
  for (const skip of result.skipped) tally(skipped, skip.reason);
  eachWarningCode(result, (code) => tally(warnings, code));
}

/** Which dead letters `cdp-router dlq list` and `dlq replay` take. */
export interface DeadLetterSelection {
  /** Only these codes; empty for every code. */
  readonly codes: readonly string[];
  /** Dead-lettered at or after (epoch ms). */
  readonly since?: number;
  /** Dead-lettered before (epoch ms). */
  readonly until?: number;
  /**
   * A dead letter that has failed this many times is not re-driven again: a record that keeps
   * failing is re-driven a bounded number of times, never in a loop.
   */
  readonly maxAttempts: number;
}

/** What a dead letter must show for the selection. */
export interface DeadLetterFacts {
  readonly code: string;
  readonly failed_at: number;
  readonly attempt: number;
}

export type SelectionVerdict = "selected" | "other_code" | "outside_time" | "max_attempts";

export function selectDeadLetter(selection: DeadLetterSelection, deadLetter: DeadLetterFacts): SelectionVerdict {
  if (selection.codes.length > 0 && !selection.codes.includes(deadLetter.code)) return "other_code";
  if (selection.since !== undefined && deadLetter.failed_at < selection.since) return "outside_time";
  if (selection.until !== undefined && deadLetter.failed_at >= selection.until) return "outside_time";
  return deadLetter.attempt >= selection.maxAttempts ? "max_attempts" : "selected";
}

/** The selection as it is stored with a re-drive's plan (a re-drive run again must select the same). */
export function describeSelection(selection: DeadLetterSelection): string {
  return JSON.stringify({
    codes: [...selection.codes].sort(),
    since: selection.since ?? null,
    until: selection.until ?? null,
    maxAttempts: selection.maxAttempts,
  });
}

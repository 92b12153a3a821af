import { type Counts, tally, tallySkipsAndWarnings } from "../core/counts.js";
import type { InputOutcome, RecordResult } from "../core/outcome.js";

/** Counts of what a run of the pipeline produced; inputs always equal routed + skipped + dead letters. */
export class OutcomeSummary {
  inputs = 0;
  readonly outcomes: Record<InputOutcome, number> = { routed: 0, skipped: 0, dead_letter: 0 };
  readonly recordsByDestination: Counts = {};
  readonly skipsByReason: Counts = {};
  readonly deadLettersByCode: Counts = {};
  readonly warningsByCode: Counts = {};

  add(result: RecordResult): void {
    this.inputs += 1;
    this.outcomes[result.outcome] += 1;
    for (const record of result.routed) tally(this.recordsByDestination, record.destination);
    for (const deadLetter of result.deadLetters) tally(this.deadLettersByCode, deadLetter.code);
    tallySkipsAndWarnings(result, this.skipsByReason, this.warningsByCode);
  }

  /** One line per kind of count, for people. */
  describe(): string[] {
    const { routed, skipped, dead_letter } = this.outcomes;
    return [
      `${this.inputs} input(s): ${routed} routed, ${skipped} skipped, ${dead_letter} dead-lettered`,
      `records: ${format(this.recordsByDestination)}`,
      `skipped: ${format(this.skipsByReason)}`,
      `dead letters: ${format(this.deadLettersByCode)}`,
      `warnings: ${format(this.warningsByCode)}`,
    ];
  }
}

function format(counts: Counts): string {
  const entries = Object.entries(counts);
  if (entries.length === 0) return "none";
  return entries
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, count]) => `${key} ${count}`)
    .join(", ");
}

import { eachWarningCode, type InputOutcome, type RecordResult } from "../core/outcome.js";

/** Counts of what a run of the pipeline produced; inputs always equal routed + skipped + dead letters. */
export class OutcomeSummary {
  inputs = 0;
  readonly outcomes: Record<InputOutcome, number> = { routed: 0, skipped: 0, dead_letter: 0 };
  readonly recordsByDestination = new Map<string, number>();
  readonly skipsByReason = new Map<string, number>();
  readonly deadLettersByCode = new Map<string, number>();
  readonly warningsByCode = new Map<string, number>();

  add(result: RecordResult): void {
    this.inputs += 1;
    this.outcomes[result.outcome] += 1;
    for (const record of result.routed) increment(this.recordsByDestination, record.destination);
    for (const skipped of result.skipped) increment(this.skipsByReason, skipped.reason);
    for (const deadLetter of result.deadLetters) increment(this.deadLettersByCode, deadLetter.code);
    eachWarningCode(result, (code) => increment(this.warningsByCode, code));
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

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function format(counts: Map<string, number>): string {
  if (counts.size === 0) return "none";
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, count]) => `${key} ${count}`)
    .join(", ");
}

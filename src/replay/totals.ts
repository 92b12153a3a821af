import type { Counts } from "../core/counts.js";
import type { InputOutcome } from "../core/outcome.js";

/** What a chunk of a replay produced (the worker's chunk summary has this shape). */
export interface ChunkCounts {
  readonly consumed: number;
  readonly outcomes: Readonly<Record<InputOutcome, number>>;
  readonly routed: Readonly<Counts>;
  readonly skipped: Readonly<Counts>;
  readonly deadLetters: Readonly<Counts>;
  readonly warnings: Readonly<Counts>;
}

/** A replay's summary: events per outcome, records per destination, skips, dead letters and warnings. */
export class ReplayTotals {
  events = 0;
  readonly outcomes: Record<InputOutcome, number> = { routed: 0, skipped: 0, dead_letter: 0 };
  readonly records: Counts = {};
  readonly skipped: Counts = {};
  readonly deadLetters: Counts = {};
  readonly warnings: Counts = {};

  add(chunk: ChunkCounts): void {
    this.events += chunk.consumed;
    for (const outcome of Object.keys(this.outcomes) as InputOutcome[])
      this.outcomes[outcome] += chunk.outcomes[outcome];
    merge(this.records, chunk.routed);
    merge(this.skipped, chunk.skipped);
    merge(this.deadLetters, chunk.deadLetters);
    merge(this.warnings, chunk.warnings);
  }
}

function merge(into: Counts, from: Readonly<Counts>): void {
  for (const [label, count] of Object.entries(from)) into[label] = (into[label] ?? 0) + count;
}

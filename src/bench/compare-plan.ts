import { median } from "./median.js";

/**
 * The pure part of `npm run bench:compare`: which benchmark, how its figure is read, how the
 * pairs are laid out on the cores, and what the pairs say. This machine's speed moves by a
 * quarter or more between hours, so two builds are only compared side by side: each pair runs
 * both at the same moment, one per core, swapping cores from one pair to the next.
 */

export interface CompareBench {
  readonly id: string;
  /** The benchmark's script under dist/, in both builds. */
  readonly script: string;
  /** Its arguments: the number of events, then rounds. */
  readonly args: (events: number) => string[];
  /** The key of the figure in the JSON line the benchmark prints last. */
  readonly metric: string;
  readonly unit: string;
  readonly better: "lower" | "higher";
  readonly defaultEvents: number;
}

export const COMPARE_BENCHES: readonly CompareBench[] = [
  {
    id: "transform",
    script: "dist/bench/transform-bench.js",
    args: (events) => [String(events), "3"],
    metric: "cpuMicrosPerEvent",
    unit: "CPU µs per event",
    better: "lower",
    defaultEvents: 30_000,
  },
  {
    id: "pipeline",
    script: "dist/bench/pipeline-bench.js",
    args: (events) => [String(events), "3"],
    metric: "groupEventsPerSecond",
    unit: "group events/s",
    better: "higher",
    defaultEvents: 60_000,
  },
];

export interface CompareOptions {
  /** The git revision to compare the working tree's build against. */
  readonly base: string;
  readonly bench: CompareBench;
  readonly pairs: number;
  readonly events: number;
}

export const COMPARE_USAGE =
  "usage: npm run bench:compare -- REVISION [transform|pipeline] [PAIRS (default 4)] [EVENTS]";

export function parseCompareArgs(argv: readonly string[]): CompareOptions | { readonly error: string } {
  const [base, benchId = "transform", pairsText = "4", eventsText] = argv;
  if (base === undefined || base.startsWith("-")) return { error: COMPARE_USAGE };
  const bench = COMPARE_BENCHES.find((candidate) => candidate.id === benchId);
  if (bench === undefined) {
    return { error: `unknown benchmark "${benchId}": one of ${COMPARE_BENCHES.map((b) => b.id).join(", ")}` };
  }
  const pairs = Number(pairsText);
  if (!Number.isInteger(pairs) || pairs < 1 || pairs > 100)
    return { error: `PAIRS must be 1 to 100, not "${pairsText}"` };
  const events = eventsText === undefined ? bench.defaultEvents : Number(eventsText);
  if (!Number.isInteger(events) || events < 1000) return { error: `EVENTS must be a whole number of 1000 or more` };
  return { base, bench, pairs, events };
}

/** Where each build runs in one pair: a core each, swapped every other pair; no pinning on one core. */
export interface PairPlacement {
  readonly baseCore: number | undefined;
  readonly headCore: number | undefined;
}

export function pairPlacements(pairs: number, cores: number): PairPlacement[] {
  return Array.from({ length: pairs }, (_, pair) =>
    cores < 2 ? { baseCore: undefined, headCore: undefined } : { baseCore: pair % 2, headCore: (pair + 1) % 2 },
  );
}

/** The figure a benchmark run printed: the key in the last line that is a JSON object. */
export function readMetric(output: string, key: string): number {
  const lines = output.trimEnd().split("\n").reverse();
  for (const line of lines) {
    if (!line.startsWith("{")) continue;
    const value = (JSON.parse(line) as Record<string, unknown>)[key];
    if (typeof value === "number" && Number.isFinite(value)) return value;
    throw new Error(`the benchmark's JSON line has no number under "${key}": ${line.slice(0, 200)}`);
  }
  throw new Error(`the benchmark printed no JSON line:\n${output.slice(-2000)}`);
}

export interface PairFigures {
  readonly base: number;
  readonly head: number;
}

export interface CompareSummary {
  readonly baseMedian: number;
  readonly headMedian: number;
  /** head / base - 1, of the medians: negative is less (better when lower is better). */
  readonly change: number;
  /** Pairs in which the head did better than the base. */
  readonly headBetter: number;
  readonly pairs: number;
}

export function summarise(figures: readonly PairFigures[], better: "lower" | "higher"): CompareSummary {
  const baseMedian = median(figures.map((f) => f.base));
  const headMedian = median(figures.map((f) => f.head));
  const headBetter = figures.filter((f) => (better === "lower" ? f.head < f.base : f.head > f.base)).length;
  return { baseMedian, headMedian, change: headMedian / baseMedian - 1, headBetter, pairs: figures.length };
}

/** The summary in words, e.g. "head 63.7 against base 67.4 CPU µs per event (-5.5%), better in 4 of 4 pairs". */
export function describeSummary(summary: CompareSummary, bench: CompareBench): string {
  const digits = bench.better === "lower" ? 1 : 0;
  const percent = `${summary.change >= 0 ? "+" : ""}${(summary.change * 100).toFixed(1)}%`;
  return (
    `head ${summary.headMedian.toFixed(digits)} against base ${summary.baseMedian.toFixed(digits)} ${bench.unit} ` +
    `(medians, ${percent}; ${bench.better} is better), head better in ${summary.headBetter} of ${summary.pairs} pairs`
  );
}

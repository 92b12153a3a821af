import { describe, expect, it } from "vitest";
import {
  COMPARE_BENCHES,
  COMPARE_USAGE,
  describeSummary,
  pairPlacements,
  parseCompareArgs,
  readMetric,
  summarise,
} from "../../../src/bench/compare-plan.js";

const transform = COMPARE_BENCHES.find((bench) => bench.id === "transform");
const pipeline = COMPARE_BENCHES.find((bench) => bench.id === "pipeline");

describe("bench:compare, the plan", () => {
  it("reads REVISION [BENCH] [PAIRS] [EVENTS], with the benchmark's own default size", () => {
    expect(parseCompareArgs(["HEAD~1"])).toEqual({ base: "HEAD~1", bench: transform, pairs: 4, events: 30_000 });
    expect(parseCompareArgs(["b62386b", "pipeline", "6", "20000"])).toEqual({
      base: "b62386b",
      bench: pipeline,
      pairs: 6,
      events: 20_000,
    });
  });

  it("refuses a missing revision, an unknown benchmark and nonsense counts, saying what is wrong", () => {
    expect(parseCompareArgs([])).toEqual({ error: COMPARE_USAGE });
    expect(parseCompareArgs(["--help"])).toEqual({ error: COMPARE_USAGE });
    expect(parseCompareArgs(["HEAD", "worker"])).toEqual({
      error: 'unknown benchmark "worker": one of transform, pipeline',
    });
    for (const pairs of ["0", "1.5", "x", "101"]) {
      expect(parseCompareArgs(["HEAD", "transform", pairs])).toHaveProperty("error");
    }
    expect(parseCompareArgs(["HEAD", "transform", "2", "10"])).toHaveProperty("error");
  });

  it("runs each pair's builds on different cores, swapping them every other pair; unpinned on one core", () => {
    expect(pairPlacements(4, 2)).toEqual([
      { baseCore: 0, headCore: 1 },
      { baseCore: 1, headCore: 0 },
      { baseCore: 0, headCore: 1 },
      { baseCore: 1, headCore: 0 },
    ]);
    expect(pairPlacements(2, 1)).toEqual([
      { baseCore: undefined, headCore: undefined },
      { baseCore: undefined, headCore: undefined },
    ]);
  });

  it("reads the figure from the last JSON line a benchmark prints, and fails loudly without one", () => {
    const output = 'cdp-router transform benchmark\nmedian: 65.2\n{"events":30000,"cpuMicrosPerEvent":65.24}\n';
    expect(readMetric(output, "cpuMicrosPerEvent")).toBe(65.24);
    expect(() => readMetric(output, "groupEventsPerSecond")).toThrow(/no number under "groupEventsPerSecond"/);
    expect(() => readMetric("TypeError: boom\n", "cpuMicrosPerEvent")).toThrow(/printed no JSON line/);
  });

  it("summarises medians, the change and the pairs the head won, in the benchmark's direction", () => {
    const figures = [
      { base: 67.5, head: 63.6 },
      { base: 67.3, head: 63.7 },
      { base: 69.7, head: 66.1 },
      { base: 66.4, head: 66.9 },
    ];
    const lower = summarise(figures, "lower");
    expect(lower).toMatchObject({ baseMedian: 67.5, headMedian: 66.1, headBetter: 3, pairs: 4 });
    expect(lower.change).toBeCloseTo(66.1 / 67.5 - 1, 10);
    expect(summarise(figures, "higher").headBetter).toBe(1);
    if (transform === undefined) throw new Error("no transform bench");
    expect(describeSummary(lower, transform)).toBe(
      "head 66.1 against base 67.5 CPU µs per event (medians, -2.1%; lower is better), head better in 3 of 4 pairs",
    );
  });
});

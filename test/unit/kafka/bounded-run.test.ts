import { describe, expect, it } from "vitest";
import { ReplayBounds } from "../../../src/kafka/bounded-run.js";
import { ReplayProgress } from "../../../src/replay/progress.js";

const at = (...offsets: number[]) => offsets.map((offset) => ({ offset: String(offset) }));

function bounds(start = 10n, end = 20n) {
  const progress = new ReplayProgress(
    [
      { topic: "raw", partition: 0, start, end },
      { topic: "raw", partition: 1, start: 0n, end: 2n },
    ],
    0,
  );
  return new ReplayBounds(progress, undefined, () => undefined);
}

describe("a replay's bounds, as the worker uses them", () => {
  it("a partition is finished only once every processed record is settled up to the end", () => {
    const run = bounds();
    expect(run.ended("raw", 0, at(10, 19), "19")).toBeUndefined();
    run.settled("raw", 0, 15n);
    expect(run.ended("raw", 0, at(10, 19), "19")).toBeUndefined();
    run.settled("raw", 0, 20n);
    expect(run.ended("raw", 0, at(10, 19), "19")).toEqual({ commitAt: 20n });
  });

  it("a fetched record past the end finishes the partition even when the last offsets of the range never come (a gap)", () => {
    const run = bounds();
    run.settled("raw", 0, 16n);
    expect(run.ended("raw", 0, at(15), "25")).toEqual({ commitAt: 20n });
  });

  it("a batch of transaction markers only, at the end of the range, finishes the partition once what came before is settled", () => {
    const run = bounds();
    run.settled("raw", 0, 19n);
    expect(run.isSettledBefore("raw", 0, 19n)).toBe(true);
    expect(run.isSettledBefore("raw", 0, 20n)).toBe(false);
    expect(run.ended("raw", 0, [], "19")).toEqual({ commitAt: 20n });
  });

  it("a partition outside the replay is finished at once, with nothing to commit", () => {
    expect(bounds().ended("raw", 7, [], "1")).toEqual({});
  });

  it("records before the start are passed over (resolved, never processed)", () => {
    const run = bounds();
    expect(run.beforeStart("raw", 0, at(7, 8, 9, 10, 11))).toBe("9");
    expect(run.beforeStart("raw", 0, at(10, 11))).toBeUndefined();
    expect(run.within("raw", 0, at(7, 8, 9, 10, 11)).map((m) => m.offset)).toEqual(["10", "11"]);
  });

  it("`finished` resolves once every partition is done, and at once for a replay already complete", async () => {
    const run = bounds();
    let finished = false;
    void run.finished.then(() => {
      finished = true;
    });
    run.settled("raw", 0, 20n);
    run.partitionDone();
    await Promise.resolve();
    expect(finished).toBe(false);
    run.settled("raw", 1, 2n);
    run.partitionDone();
    await run.finished;

    const done = new ReplayProgress([{ topic: "raw", partition: 0, start: 5n, end: 5n }], 0);
    await new ReplayBounds(done, undefined, () => undefined).finished;
  });
});

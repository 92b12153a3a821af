import { describe, expect, it } from "vitest";
import { ReplayProgress } from "../../../src/replay/progress.js";
import type { PartitionRange } from "../../../src/replay/range.js";

const ranges: PartitionRange[] = [
  { topic: "raw", partition: 0, start: 10n, end: 20n },
  { topic: "raw", partition: 1, start: 5n, end: 5n },
];
const at = (...offsets: number[]) => offsets.map((offset) => ({ offset: String(offset) }));

describe("replay progress", () => {
  it("keeps only the records inside [start, end) of each partition, none of a partition outside the replay", () => {
    const progress = new ReplayProgress(ranges, 0);
    expect(progress.within("raw", 0, at(8, 9, 10, 11, 19, 20, 21)).map((m) => m.offset)).toEqual(["10", "11", "19"]);
    const inside = at(12, 13);
    expect(progress.within("raw", 0, inside)).toBe(inside);
    expect(progress.within("raw", 2, at(0, 1))).toEqual([]);
    expect(progress.within("other", 0, at(10))).toEqual([]);
  });

  it("an empty partition range is done from the start; the replay is complete once every partition reaches its end", () => {
    const progress = new ReplayProgress(ranges, 0);
    expect(progress.reached("raw", 1)).toBe(true);
    expect(progress.complete()).toBe(false);
    progress.settled("raw", 0, 15n);
    expect(progress.reached("raw", 0)).toBe(false);
    expect(progress.isSettled("raw", 0, 14n)).toBe(true);
    expect(progress.isSettled("raw", 0, 15n)).toBe(false);
    progress.settled("raw", 0, 25n); // never past the end
    expect(progress.snapshot(1_000).done).toBe(10);
    expect(progress.complete()).toBe(true);
  });

  it("settling never goes backwards", () => {
    const progress = new ReplayProgress(ranges, 0);
    progress.settled("raw", 0, 18n);
    progress.settled("raw", 0, 12n);
    expect(progress.snapshot(0).done).toBe(8);
  });

  it("a batch whose last offset (transaction markers included) is at or past the last offset of the range shows the partition has nothing more to read", () => {
    const progress = new ReplayProgress(ranges, 0);
    expect(progress.passesEnd("raw", 0, 18n)).toBe(false);
    expect(progress.passesEnd("raw", 0, 19n)).toBe(true);
    expect(progress.passesEnd("raw", 0, 25n)).toBe(true);
    expect(progress.passesEnd("raw", 0, undefined)).toBe(false);
    expect(progress.passesEnd("raw", 9, undefined)).toBe(true);
  });

  it("a resumed replay counts what was committed before as done, and its rate and ETA from this run only", () => {
    const progress = new ReplayProgress(ranges, 0);
    progress.resumeFrom(new Map([["raw:0", 14n]]));
    expect(progress.snapshot(0)).toMatchObject({ done: 4, total: 10, partitionsDone: 1, partitions: 2, rate: 0 });
    expect(progress.snapshot(0).etaSeconds).toBeUndefined();
    progress.settled("raw", 0, 16n);
    const snapshot = progress.snapshot(2_000);
    expect(snapshot.rate).toBe(1);
    expect(snapshot.etaSeconds).toBe(4);
  });

  it("a committed offset outside the range is clamped to it", () => {
    const progress = new ReplayProgress(ranges, 0);
    progress.resumeFrom(new Map([["raw:0", 3n]]));
    expect(progress.snapshot(0).done).toBe(0);
    progress.resumeFrom(new Map([["raw:0", 99n]]));
    expect(progress.complete()).toBe(true);
  });
});

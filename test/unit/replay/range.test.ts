import { describe, expect, it } from "vitest";
import {
  type Bound,
  type Parsed,
  type PartitionOffsets,
  parseBound,
  planRange,
  recordsIn,
} from "../../../src/replay/range.js";

function value<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

function error<T>(parsed: Parsed<T>): string {
  if (parsed.ok)
    throw new Error(
      `expected an error, got ${JSON.stringify(parsed.value, (_, v) => (typeof v === "bigint" ? String(v) : v))}`,
    );
  return parsed.error;
}

const bound = (text: string): Bound => value(parseBound("--from", text));

const partitions: PartitionOffsets[] = [
  { topic: "cdp.raw.group", partition: 0, low: 0n, high: 100n },
  { topic: "cdp.raw.group", partition: 1, low: 10n, high: 50n },
  { topic: "cdp.raw.track", partition: 0, low: 0n, high: 0n },
];

describe("a bound is earliest, now, an ISO-8601 instant or a list of topic:partition:offset", () => {
  it("earliest and now", () => {
    expect(bound("earliest")).toEqual({ kind: "earliest" });
    expect(bound(" now ")).toEqual({ kind: "now" });
  });

  it("an instant with Z or an offset, seconds and fractions optional", () => {
    expect(bound("2026-11-01T09:00:00Z")).toEqual({ kind: "time", ms: Date.UTC(2026, 10, 1, 9) });
    expect(bound("2026-11-01T10:00+01:00")).toEqual({ kind: "time", ms: Date.UTC(2026, 10, 1, 9) });
    expect(bound("2026-11-01T09:00:00.250Z")).toEqual({ kind: "time", ms: Date.UTC(2026, 10, 1, 9, 0, 0, 250) });
  });

  it("a date alone is its UTC midnight", () => {
    expect(bound("2026-11-01")).toEqual({ kind: "time", ms: Date.UTC(2026, 10, 1) });
  });

  it("an instant without a time zone is refused, not guessed", () => {
    expect(error(parseBound("--from", "2026-11-01T09:00:00"))).toContain("needs a time zone");
  });

  it("an impossible date is refused", () => {
    expect(error(parseBound("--to", "2026-13-45T09:00:00Z"))).toContain("not a valid date");
  });

  it("a list of positions", () => {
    const parsed = bound("cdp.raw.group:0:15, cdp.raw.group:1:20");
    expect(parsed).toEqual({
      kind: "offsets",
      positions: new Map([
        ["cdp.raw.group:0", 15n],
        ["cdp.raw.group:1", 20n],
      ]),
    });
  });

  it("anything else, and a partition given twice, are refused with what is expected", () => {
    expect(error(parseBound("--from", "yesterday"))).toContain("expected earliest, now");
    expect(error(parseBound("--from", "cdp.raw.group:0"))).toContain("topic:partition:offset");
    expect(error(parseBound("--from", "t:0:1,t:0:2"))).toContain("t:0 is given twice");
  });
});

describe("the range is fixed per partition when the replay starts", () => {
  it("earliest to now: every partition from its log start to its log end", () => {
    const ranges = value(planRange(bound("earliest"), bound("now"), partitions));
    expect(ranges).toEqual([
      { topic: "cdp.raw.group", partition: 0, start: 0n, end: 100n },
      { topic: "cdp.raw.group", partition: 1, start: 10n, end: 50n },
      { topic: "cdp.raw.track", partition: 0, start: 0n, end: 0n },
    ]);
    expect(recordsIn(ranges)).toBe(140n);
  });

  it("instants: the offsets the broker gives for them", () => {
    const forTimes = {
      from: new Map([
        ["cdp.raw.group:0", 40n],
        ["cdp.raw.group:1", 20n],
        ["cdp.raw.track:0", 0n],
      ]),
      to: new Map([
        ["cdp.raw.group:0", 60n],
        ["cdp.raw.group:1", 50n],
        ["cdp.raw.track:0", 0n],
      ]),
    };
    const ranges = value(planRange(bound("2026-11-01"), bound("2026-11-02"), partitions, forTimes));
    expect(ranges.map((r) => [r.start, r.end])).toEqual([
      [40n, 60n],
      [20n, 50n],
      [0n, 0n],
    ]);
  });

  it("a --from list replays only the partitions it names", () => {
    const ranges = value(planRange(bound("cdp.raw.group:1:30"), bound("now"), partitions));
    expect(ranges).toEqual([{ topic: "cdp.raw.group", partition: 1, start: 30n, end: 50n }]);
  });

  it("a --to list must name every partition replayed", () => {
    expect(error(planRange(bound("earliest"), bound("cdp.raw.group:0:10"), partitions))).toContain(
      "--to names positions but not cdp.raw.group:1",
    );
  });
});

describe("bad ranges get clear errors", () => {
  it("--to before --from", () => {
    expect(error(planRange(bound("2026-11-02"), bound("2026-11-01"), partitions))).toBe("--to is before --from");
    expect(error(planRange(bound("cdp.raw.group:0:50"), bound("cdp.raw.group:0:40"), partitions))).toContain(
      "--to is before --from on cdp.raw.group:0",
    );
  });

  it("a partition that does not exist", () => {
    expect(error(planRange(bound("cdp.raw.group:7:0"), bound("now"), partitions))).toContain(
      "cdp.raw.group:7 is not a partition of the replayed topics",
    );
  });

  it("a position whose records were deleted, or past the log end", () => {
    expect(error(planRange(bound("cdp.raw.group:1:5"), bound("now"), partitions))).toContain(
      "before the log start (10)",
    );
    expect(error(planRange(bound("cdp.raw.group:1:60"), bound("now"), partitions))).toContain("past the log end (50)");
  });

  it("a range with no records", () => {
    expect(error(planRange(bound("now"), bound("now"), partitions))).toBe("the range holds no records");
  });
});

import { describe, expect, it } from "vitest";
import { compareOutputs, type ExpectedRecord, type ReadRecord } from "../../../src/chaos/compare.js";

// The campaign's verdict: what the outputs lack, hold twice, or hold out of order.

const IN = "chaos.run.raw";
const expected: ExpectedRecord[] = [
  { topic: "a", key: "1:g", messageId: "m1" },
  { topic: "a", key: "1:g", messageId: "m2" },
  { topic: "b", key: "1:g", messageId: null },
];
const record = (
  offset: number,
  messageId: string,
  sourceOffset: number,
  extra: Partial<ReadRecord> = {},
): ReadRecord => ({
  topic: "a",
  partition: 0,
  offset,
  key: "1:g",
  message_id: messageId,
  source_topic: IN,
  source_offset: sourceOffset,
  ...extra,
});
const tombstone: ReadRecord = { topic: "b", partition: 0, offset: 0, key: "1:g" };

describe("chaos check: compare the outputs with the offline pipeline", () => {
  it("all there once: nothing missing, duplicated or out of order", () => {
    expect(compareOutputs(expected, [record(0, "m1", 10), record(1, "m2", 11), tombstone], IN)).toMatchObject({
      expected: 3,
      read: 3,
      missing: 0,
      duplicated: 0,
      outOfOrder: 0,
    });
  });

  it("counts a missing record and a missing tombstone", () => {
    const result = compareOutputs(expected, [record(0, "m1", 10)], IN);
    expect(result).toMatchObject({ missing: 2, duplicated: 0 });
    expect(result.missingExamples).toHaveLength(2);
  });

  it("counts a record read twice as duplicated, not as out of order", () => {
    const read = [record(0, "m1", 10), record(1, "m2", 11), record(2, "m1", 10), tombstone];
    expect(compareOutputs(expected, read, IN)).toMatchObject({ missing: 0, duplicated: 1, outOfOrder: 0 });
  });

  it("counts first copies of one key that came out of source order", () => {
    expect(compareOutputs(expected, [record(0, "m2", 11), record(1, "m1", 10), tombstone], IN).outOfOrder).toBe(1);
  });

  it("ignores records of other runs", () => {
    const other = record(5, "m1", 3, { source_topic: "chaos.other.raw" });
    expect(compareOutputs(expected, [other], IN)).toMatchObject({ read: 0, missing: 3 });
  });
});

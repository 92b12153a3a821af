import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

// kafkajs 2.2.4's read_committed filtering, patched at install (docs/kafkajs-patch.md), through
// its Batch class (what a consumer's eachBatch receives). The broker lists a fetch's aborted
// transactions in the order their abort markers were written; stock kafkajs took that list as
// ordered by first offset and entered at most one transaction per message, so records of aborted
// transactions that interleave with another producer's were handed over as if committed.

const require = createRequire(import.meta.url);
const Batch = require("kafkajs/src/consumer/batch.js") as new (
  topic: string,
  fetchedOffset: string,
  partitionData: object,
) => { messages: Array<{ offset: string }> };

const ABORT = Buffer.from([0, 0, 0, 0]);
const COMMIT = Buffer.from([0, 0, 0, 1]);

/** A data record of `producer`'s transaction, or its control marker. */
function record(offset: number, producer: string, marker?: Buffer) {
  return {
    offset: String(offset),
    key: marker ?? Buffer.from(`k${offset}`),
    value: marker ? null : Buffer.from(`v${offset}`),
    isControlRecord: marker !== undefined,
    batchContext: { producerId: producer, inTransaction: true },
  };
}

function delivered(fetchedOffset: number, messages: object[], abortedTransactions: object[]): string[] {
  const batch = new Batch("raw", String(fetchedOffset), {
    partition: 0,
    highWatermark: "100",
    messages,
    abortedTransactions,
  });
  return batch.messages.map((m) => m.offset);
}

describe("kafkajs patch: read_committed leaves out every aborted transaction", () => {
  it("when two producers' aborted transactions interleave, listed in the order of their abort markers", () => {
    // Producer 1 starts at 0; producer 2 starts at 1 and aborts first (marker at 2); producer 1
    // writes again at 3 and aborts (marker at 4); producer 3 commits 5 (marker at 6).
    const messages = [
      record(0, "1"),
      record(1, "2"),
      record(2, "2", ABORT),
      record(3, "1"),
      record(4, "1", ABORT),
      record(5, "3"),
      record(6, "3", COMMIT),
    ];
    const aborted = [
      { producerId: "2", firstOffset: "1" },
      { producerId: "1", firstOffset: "0" },
    ];
    expect(delivered(0, messages, aborted)).toEqual(["5"]);
  });

  it("when a fetch starts past the first offsets of several aborted transactions", () => {
    // Both transactions began before the fetched offset 10; their records after it are aborted too.
    const messages = [
      record(10, "8"),
      record(11, "7"),
      record(12, "8", ABORT),
      record(13, "7", ABORT),
      record(14, "9"),
    ];
    const aborted = [
      { producerId: "7", firstOffset: "2" },
      { producerId: "8", firstOffset: "5" },
    ];
    expect(delivered(10, messages, aborted)).toEqual(["14"]);
  });

  it("a producer's committed transaction after its aborted one is delivered (a restarted worker's same producer id)", () => {
    const messages = [record(0, "4"), record(1, "4"), record(2, "4", ABORT), record(3, "4"), record(4, "4", COMMIT)];
    expect(delivered(0, messages, [{ producerId: "4", firstOffset: "0" }])).toEqual(["3"]);
  });
});

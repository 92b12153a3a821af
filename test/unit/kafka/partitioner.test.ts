import { createRequire } from "node:module";
import fc from "fast-check";
import type { PartitionMetadata } from "kafkajs";
import { describe, expect, it } from "vitest";
import { JavaCompatiblePartitioner, murmur2, partitionForKey } from "../../../src/kafka/partitioner.js";

// The worker's partitioner must put every key where Java's producer (and kafkajs's default
// partitioner, which it replaces) would: consumers of the destination topics rely on key order.

const require = createRequire(import.meta.url);
const kafkajsMurmur2 = require("kafkajs/src/producer/partitioners/default/murmur2.js") as (key: Buffer) => number;

function metadata(count: number, leaderless: number[] = []): PartitionMetadata[] {
  return Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: leaderless.includes(partitionId) ? -1 : 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
}

describe("partitioner", () => {
  it("murmur2 gives Kafka's Java test vectors", () => {
    const vectors: Array<[string, number]> = [
      ["21", -973932308],
      ["foobar", -790332482],
      ["a-little-bit-long-string", -985981536],
      ["a-little-bit-longer-string", -1486304829],
      ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
      ["abc", 479470107],
    ];
    for (const [text, hash] of vectors) expect(murmur2(Buffer.from(text))).toBe(hash);
  });

  it("murmur2 equals kafkajs's for any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        expect(murmur2(bytes)).toBe(kafkajsMurmur2(Buffer.from(bytes)));
      }),
      { numRuns: 2000 },
    );
  });

  it("a keyed message goes where kafkajs's default partitioner sends it", () => {
    const ours = JavaCompatiblePartitioner();
    const theirs = (require("kafkajs") as typeof import("kafkajs")).Partitioners.DefaultPartitioner();
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), fc.integer({ min: 1, max: 64 }), (key, count) => {
        const args = { topic: "t", partitionMetadata: metadata(count), message: { key, value: null } };
        expect(ours(args)).toBe(theirs(args));
        expect(ours(args)).toBe(partitionForKey(key, count));
      }),
    );
  });

  it("a keyed message keeps its partition while that partition has no leader", () => {
    const partitioner = JavaCompatiblePartitioner();
    const key = "company-42";
    const expected = partitionForKey(key, 6);
    const args = { topic: "t", partitionMetadata: metadata(6, [expected]), message: { key, value: null } };
    expect(partitioner(args)).toBe(expected);
  });

  it("an explicit partition is used as given", () => {
    const partitioner = JavaCompatiblePartitioner();
    expect(
      partitioner({ topic: "t", partitionMetadata: metadata(6), message: { key: "k", partition: 4, value: null } }),
    ).toBe(4);
  });

  it("messages without a key go round robin over the partitions that have a leader", () => {
    const partitioner = JavaCompatiblePartitioner();
    const chosen = Array.from({ length: 40 }, () =>
      partitioner({ topic: "t", partitionMetadata: metadata(4, [1]), message: { value: "v" } }),
    );
    expect(new Set(chosen)).toEqual(new Set([0, 2, 3]));
    const counts = [0, 2, 3].map((p) => chosen.filter((c) => c === p).length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });
});

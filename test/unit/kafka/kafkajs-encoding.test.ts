import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  crc32cImplementation,
  fallbackCrc32c,
  installedCrc32c,
  type ProduceMessage,
  type ProduceRequest,
  patchedKafkajs,
  stockKafkajs,
} from "../../../src/bench/kafkajs-stock.js";

// kafkajs's produce encoding is patched for speed (native CRC32C, no zero-filled buffers, varints
// written in place, linear grouping, a partition's records framed in one pass and checksummed
// without a join; docs/kafkajs-patch.md). A speed patch must not change one
// byte: random requests are encoded by the installed (patched) kafkajs and by the stock 2.2.4
// files the patch script keeps, and must be identical.

const patched = patchedKafkajs();
const stock = stockKafkajs();

const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((array) => Buffer.from(array));
// Strings with multi-byte characters: their UTF-8 length differs from their length.
const text = (max: number) => fc.string({ unit: "binary", maxLength: max });

const key = fc.oneof(fc.constant(null), bytes(64), text(64));
const value = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 6, arbitrary: bytes(600) },
  { weight: 2, arbitrary: text(600) },
  // Past the 512 bytes of a record's first buffer and Node's 4 KiB pool: the buffer grows.
  { weight: 1, arbitrary: bytes(9_000) },
);

const message: fc.Arbitrary<ProduceMessage> = fc.record(
  {
    key,
    value,
    headers: fc.dictionary(
      text(12),
      fc.oneof(bytes(40), text(40), fc.array(text(10), { minLength: 1, maxLength: 3 })),
      {
        maxKeys: 3,
      },
    ),
    // Timestamps are strings in kafkajs; deltas from days to years apart take the varlong path
    // past 32 bits, and negative deltas occur (kafkajs sorts them as strings).
    timestamp: fc.oneof(
      fc.integer({ min: 1_700_000_000_000, max: 1_700_000_100_000 }).map(String),
      fc.integer({ min: 0, max: 4_000_000_000_000 }).map(String),
    ),
  },
  { requiredKeys: ["value"] },
);

/**
 * The worker's own messages: a Buffer or string key and value (or null), no headers, timestamps
 * within seconds of each other or none. Every partition of them takes the patched request's
 * one-pass framing (the arbitrary above mostly sends partitions to stock's path: headers, or
 * deltas past 32 bits).
 */
const plainMessage: fc.Arbitrary<ProduceMessage> = fc.record(
  {
    key,
    value,
    headers: fc.constant({}),
    timestamp: fc.integer({ min: 1_699_999_990_000, max: 1_700_000_010_000 }).map(String),
  },
  { requiredKeys: ["value"] },
);

const requestOf = (messageArbitrary: fc.Arbitrary<ProduceMessage>, maxMessages: number): fc.Arbitrary<ProduceRequest> =>
  fc.record({
    transactionalId: fc.oneof(fc.constant(null), text(20)),
    producerId: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 2 ** 40 })),
    producerEpoch: fc.integer({ min: 0, max: 32_767 }),
    acks: fc.constantFrom(-1, 1),
    timeout: fc.integer({ min: 0, max: 120_000 }),
    topicData: fc.array(
      fc.record({
        topic: text(30),
        partitions: fc.array(
          fc.record({
            partition: fc.integer({ min: 0, max: 1_000 }),
            firstSequence: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
            // fast-check keeps arrays short unless told otherwise: `max` reaches maxMessages.
            messages: fc.array(messageArbitrary, { minLength: 1, maxLength: maxMessages, size: "max" }),
          }),
          { minLength: 1, maxLength: 4 },
        ),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  });

const request = requestOf(fc.oneof(message, plainMessage), 30);
// Up to 200 messages a partition: offset deltas of two varint bytes (64 and more).
const plainRequest = requestOf(plainMessage, 200);

async function expectStockBytes(produce: ProduceRequest, correlationId: number): Promise<void> {
  // Messages without a timestamp take Date.now(): the same instant for both.
  vi.spyOn(Date, "now").mockReturnValue(1_700_000_000_000);
  const mine = await patched.encodeProduce(produce, correlationId);
  const theirs = await stock.encodeProduce(produce, correlationId);
  expect(mine.equals(theirs)).toBe(true);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("kafkajs produce encoding, patched for speed", () => {
  it("is the installed kafkajs's: the speed patch is applied and the stock copy is stock", () => {
    const require = createRequire(import.meta.url);
    const kafkajsDir = dirname(require.resolve("kafkajs/package.json"));
    const patchDir = join(import.meta.dirname, "../../../patches/kafkajs-2.2.4");
    const file = "src/protocol/encoder.js";
    expect(readFileSync(join(kafkajsDir, file), "utf8")).toBe(readFileSync(join(patchDir, file), "utf8"));
    expect(readFileSync(join(kafkajsDir, ".stock", file), "utf8")).not.toBe(readFileSync(join(patchDir, file), "utf8"));
  });

  it("encodes random produce requests to exactly the bytes stock kafkajs produces", async () => {
    await fc.assert(
      fc.asyncProperty(request, fc.integer({ min: 0, max: 2 ** 31 - 1 }), expectStockBytes),
      // Shrinking requests this large takes minutes: report the first failing one as it is.
      { numRuns: 300, endOnFailure: true },
    );
  });

  it("frames the records of a partition in one pass to exactly the bytes stock kafkajs produces", async () => {
    await fc.assert(fc.asyncProperty(plainRequest, fc.integer({ min: 0, max: 2 ** 31 - 1 }), expectStockBytes), {
      numRuns: 200,
      endOnFailure: true,
    });
  });

  it("encodes a partition with headers by stock's path beside one framed in one pass, as stock does", async () => {
    const plain: ProduceMessage[] = [
      { key: Buffer.from("k1"), value: Buffer.alloc(300, 1), timestamp: "1700000000000" },
      { key: "é-key", value: "a value", timestamp: "1700000000005" },
    ];
    const withHeaders: ProduceMessage[] = [
      { key: "k", value: Buffer.alloc(200, 2), headers: { trace: "abc" }, timestamp: "1700000000001" },
      { key: null, value: null, timestamp: "1700000000002" },
    ];
    await expectStockBytes(
      {
        transactionalId: null,
        producerId: 11,
        producerEpoch: 0,
        acks: -1,
        timeout: 30_000,
        topicData: [
          {
            topic: "cdp.dest.customerio",
            partitions: [
              { partition: 0, firstSequence: 5, messages: plain },
              { partition: 1, firstSequence: 9, messages: withHeaders },
            ],
          },
        ],
      },
      3,
    );
  });

  it("encodes records without timestamps, empty values and varlong deltas past 32 bits as stock does", async () => {
    vi.spyOn(Date, "now").mockReturnValue(1_700_000_000_000);
    const messages: ProduceMessage[] = [
      { value: "no timestamp" },
      { value: "", key: "" },
      { value: null, key: null, timestamp: "1" },
      { value: Buffer.alloc(0), timestamp: String(2 ** 33) },
      { value: "x".repeat(5_000), timestamp: String(2 ** 31 + 5) },
    ];
    const produce: ProduceRequest = {
      transactionalId: "tx",
      producerId: 7,
      producerEpoch: 1,
      acks: -1,
      timeout: 30_000,
      topicData: [{ topic: "cdp.customerio", partitions: [{ partition: 3, firstSequence: 42, messages }] }],
    };
    expect((await patched.encodeProduce(produce, 9)).equals(await stock.encodeProduce(produce, 9))).toBe(true);
  });

  it("computes the same CRC32C as stock kafkajs (native where @node-rs/crc32 loads)", () => {
    expect(crc32cImplementation()).toBe("native");
    expect(patched.crc32c(Buffer.from("123456789"))).toBe(0xe3069283);
    fc.assert(
      fc.property(bytes(5_000), (input) => {
        expect(patched.crc32c(input)).toBe(stock.crc32c(input));
      }),
      { numRuns: 500 },
    );
  });

  it("computes the CRC32C of buffers one after another as of their concatenation, native and fallback", () => {
    const implementations = [installedCrc32c(), fallbackCrc32c()];
    expect(implementations.map((crc) => crc.implementation)).toEqual(["native", "javascript"]);
    fc.assert(
      fc.property(fc.array(bytes(700), { maxLength: 4 }), (parts) => {
        const whole = stock.crc32c(Buffer.concat(parts));
        for (const crc of implementations) expect(crc.ofParts(parts)).toBe(whole);
      }),
      { numRuns: 300 },
    );
  });

  it("falls back to kafkajs's JavaScript CRC32C where the native one cannot load", () => {
    const fallback = fallbackCrc32c();
    expect(fallback.implementation).toBe("javascript");
    fc.assert(
      fc.property(bytes(2_000), (input) => {
        expect(fallback.crc32c(input)).toBe(stock.crc32c(input));
      }),
      { numRuns: 200 },
    );
  });

  it("groups messages per partition as stock kafkajs does, in their order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ value: text(8), to: fc.integer({ min: 0, max: 11 }) }), { maxLength: 200 }),
        fc.integer({ min: 0, max: 12 }),
        (entries, partitionCount) => {
          const messages = entries.map((entry) => ({ value: entry.value, partition: entry.to }));
          const options = {
            topic: "t",
            partitionMetadata: Array.from({ length: partitionCount }, (_, partitionId) => ({ partitionId })),
            messages,
            partitioner: ({ message: m }: { message: ProduceMessage }) => m.partition ?? 0,
          };
          expect(patched.groupMessagesPerPartition(options)).toEqual(stock.groupMessagesPerPartition(options));
        },
      ),
    );
  });
});

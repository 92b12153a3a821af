import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RecordEncoder } from "../../../src/avro/encoder.js";
import { loadTopicSchemas } from "../../../src/avro/schemas.js";
import { generateEvents } from "../../../src/bench/event-generator.js";
import { packMessages, packOutputs, unpackMessages, unpackOutputs } from "../../../src/kafka/chunk-wire.js";
import type { ChunkOutputs } from "../../../src/kafka/outputs.js";
import type { RawMessage } from "../../../src/kafka/raw-message.js";
import { type ChunkTransformer, INLINE_SLICE, InlineTransformer } from "../../../src/kafka/transformer.js";
import { DEAD_LETTER_FAILURE, deadLettersFailOnce } from "../../support/encoders.js";
import { config } from "../../support/events.js";

// The transform thread must give exactly what the inline transform gives: chunks cross to it and
// back as one transferred buffer, and nothing may be lost or changed on the way.

const schemas = loadTopicSchemas();
const schemaIds = [...schemas.values()].map((s, i): [string, number] => [s.subject, 100 + i]);
const encoder = RecordEncoder.fromIds(schemas, new Map(schemaIds));
const SETUP = { pipeline: config(), workerId: "w-1", maxRecordBytes: 1_048_000, outputPrefix: "" };

// The thread runs compiled code (dist/, built by `npm test`'s pretest): a worker thread cannot
// load the TypeScript sources.
const { ThreadTransformer } = (await import(
  new URL("../../../dist/kafka/transformer.js", import.meta.url).href
)) as typeof import("../../../src/kafka/transformer.js");
const { TransformerPool } = (await import(
  new URL("../../../dist/kafka/transformer-pool.js", import.meta.url).href
)) as typeof import("../../../src/kafka/transformer-pool.js");

/** A transform thread of the test setup; a thread failure fails the test. */
const startThread = () =>
  ThreadTransformer.start({ ...SETUP, schemaIds }, (error) => {
    throw error;
  });

function rawMessages(count: number, seed: number): RawMessage[] {
  return generateEvents(count, seed).map((event, i) => ({
    key: i % 3 === 0 ? null : Buffer.from(`key-${i}`),
    value: event.bytes,
    offset: String(1000 + i),
    timestamp: String(Date.UTC(2026, 0, 1) + i),
    headers: i % 7 === 0 ? { trace: Buffer.from(`t-${i}`), tags: ["a", Buffer.from("b")] } : undefined,
  }));
}

function plain(outputs: ChunkOutputs) {
  return {
    byTopic: [...outputs.byTopic].map(([topic, messages]) => [
      topic,
      messages.map((m) => [
        // A key crosses the wire as its UTF-8 bytes: kafkajs writes a string key as exactly those.
        m.key === null || m.key === undefined ? null : Buffer.from(m.key).toString("hex"),
        m.value?.toString("hex") ?? null,
      ]),
    ]),
    summary: outputs.summary,
    remembered: outputs.remembered,
  };
}

describe("transform thread", () => {
  it("a header named __proto__ crosses the wire as a header, not as the headers' prototype", () => {
    const headers = JSON.parse('{"__proto__":"x","trace":"t"}') as Record<string, string>;
    const [back] = unpackMessages(
      structuredClone(packMessages([{ key: null, value: null, offset: "0", timestamp: "0", headers }])),
    );
    expect(Object.getPrototypeOf(back?.headers)).toBe(Object.prototype);
    expect(Object.entries(back?.headers ?? {})).toEqual([
      ["__proto__", "x"],
      ["trace", "t"],
    ]);
  });

  it("raw messages survive the wire: keys, values, nulls, offsets, timestamps and headers", () => {
    const arbitrary = fc.array(
      fc.record({
        key: fc.option(fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b))),
        value: fc.option(fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b))),
        offset: fc.bigInt({ min: 0n, max: 2n ** 62n }).map(String),
        timestamp: fc.nat().map(String),
        headers: fc.option(
          fc.dictionary(
            fc.string(),
            fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b)),
          ),
          {
            nil: undefined,
          },
        ),
      }),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(arbitrary, (messages) => {
        const back = unpackMessages(structuredClone(packMessages(messages)));
        expect(back.map((m) => [m.key, m.value, m.offset, m.timestamp])).toEqual(
          messages.map((m) => [m.key, m.value, m.offset, m.timestamp]),
        );
        back.forEach((m, i) => {
          const sent = messages[i]?.headers;
          expect(m.headers ?? {}).toEqual(sent && Object.keys(sent).length > 0 ? sent : {});
        });
      }),
    );
  });

  it("outputs survive the wire", () => {
    const inline = new InlineTransformer(SETUP, encoder);
    return inline.transform("cdp.raw.group", 0, rawMessages(300, 5), 1_700_000_000_000).then((outputs) => {
      expect(plain(unpackOutputs(structuredClone(packOutputs(outputs))))).toEqual(plain(outputs));
    });
  });

  it("gives the inline transform's outputs, summaries and remembered ids, chunk after chunk", async () => {
    const inline = new InlineTransformer(SETUP, encoder);
    const thread = startThread();
    try {
      for (const seed of [1, 2, 3]) {
        const chunk = rawMessages(400, seed);
        const [mine, theirs] = await Promise.all([
          inline.transform("cdp.raw.group", 2, chunk, 1_700_000_000_000),
          thread.transform("cdp.raw.group", 2, chunk, 1_700_000_000_000),
        ]);
        expect(plain(theirs)).toEqual(plain(mine));
        expect(theirs.summary.consumed).toBe(400);
      }
    } finally {
      await thread.close();
    }
  });

  it("forgets what it is told to: a record whose outputs were never written is routed again, not a duplicate", async () => {
    const thread = startThread();
    try {
      const chunk = rawMessages(50, 9);
      const first = await thread.transform("cdp.raw.group", 0, chunk, 0);
      const again = await thread.transform("cdp.raw.group", 0, chunk, 0);
      expect(again.summary.skipped.duplicate).toBe(first.remembered.length);
      thread.forget("cdp.raw.group", 0, first.remembered);
      const afterForget = await thread.transform("cdp.raw.group", 0, chunk, 0);
      expect(plain(afterForget).byTopic).toEqual(plain(first).byTopic);
    } finally {
      await thread.close();
    }
  });

  /**
   * Every partition's chunk of each seed sent to the pool at once (as partitions processed
   * concurrently are), each partition's outputs equal to those of an inline transform of its own:
   * what a worker with that partition alone would give.
   */
  async function expectInlineOutputs(pool: ChunkTransformer, partitions: readonly number[], seeds: readonly number[]) {
    const inline = partitions.map(() => new InlineTransformer(SETUP, encoder));
    for (const seed of seeds) {
      const chunks = partitions.map((partition) => rawMessages(200, seed * 10 + partition));
      const pooled = await Promise.all(
        chunks.map((chunk, index) => pool.transform("cdp.raw.group", partitions[index] ?? 0, chunk, 1_700_000_000_000)),
      );
      for (const [index, chunk] of chunks.entries()) {
        const partition = partitions[index] ?? 0;
        const alone = await inline[index]?.transform("cdp.raw.group", partition, chunk, 1_700_000_000_000);
        expect(alone && plain(pooled[index] as ChunkOutputs)).toEqual(alone && plain(alone));
      }
    }
  }

  it("a pool of threads (CDP_TRANSFORM_THREADS) gives each partition the inline transform's outputs, in order", async () => {
    const threads = [0, 1].map(() => startThread());
    const pool = new TransformerPool(threads);
    try {
      await expectInlineOutputs(pool, [0, 1, 2, 3], [1, 2]);
      // Spread: two partitions per thread, each always on the same one.
      const owners = [0, 1, 2, 3].map((partition) => pool.threadOf("cdp.raw.group", partition));
      expect(owners.filter((owner) => owner === 0)).toHaveLength(2);
      expect(owners.filter((owner) => owner === 1)).toHaveLength(2);
      expect([0, 1]).toContain(pool.threadOf("cdp.raw.track", 0));
      expect(pool.threadOf("cdp.raw.group", 3)).toBe(owners[3]);
    } finally {
      await pool.close();
    }
  });

  it("a thread and the event loop (CDP_TRANSFORM_ON_MAIN) give each partition the inline transform's outputs, in order", async () => {
    const pool = new TransformerPool([startThread(), new InlineTransformer(SETUP, encoder)], [1, 0.5]);
    try {
      pool.assigned({ "cdp.raw.group": [0, 1, 2] });
      await expectInlineOutputs(pool, [0, 1, 2], [3, 4]);
      // Two partitions on the thread, one on the event loop.
      const owners = [0, 1, 2].map((partition) => pool.threadOf("cdp.raw.group", partition));
      expect(owners.sort()).toEqual([0, 0, 1]);
      // Only the thread reports busy time: the event loop's is the main thread's own.
      expect(pool.threadsBusy()).toHaveLength(1);
    } finally {
      await pool.close();
    }
  });

  it("a pool forgets in the window of the partition's own thread", async () => {
    const pool = new TransformerPool([0, 1].map(() => startThread()));
    try {
      const chunk = rawMessages(50, 9);
      // Partitions 0 and 1 are on different threads: the same records on each are not repeats.
      const first = await pool.transform("cdp.raw.group", 1, chunk, 0);
      const other = await pool.transform("cdp.raw.group", 0, chunk, 0);
      expect(other.summary.skipped.duplicate ?? 0).toBe(0);
      expect(other.remembered).toHaveLength(first.remembered.length);
      const again = await pool.transform("cdp.raw.group", 1, chunk, 0);
      expect(again.summary.skipped.duplicate).toBe(first.remembered.length);
      pool.forget("cdp.raw.group", 1, first.remembered);
      const afterForget = await pool.transform("cdp.raw.group", 1, chunk, 0);
      expect(plain(afterForget).byTopic).toEqual(plain(first).byTopic);
    } finally {
      await pool.close();
    }
  });

  it("reports each transform thread's busy time: it grows with the work given to that thread only", async () => {
    const pool = new TransformerPool([0, 1].map(() => startThread()));
    try {
      // Partition 0 goes to the first thread, partition 1 to the second.
      await pool.transform("cdp.raw.group", 0, rawMessages(10, 1), 0);
      await pool.transform("cdp.raw.group", 1, rawMessages(10, 2), 0);
      const before = pool.threadsBusy().map((thread) => thread.busyMs);
      expect(before).toHaveLength(2);
      for (let round = 0; round < 5; round++) await pool.transform("cdp.raw.group", 0, rawMessages(400, 3 + round), 0);
      const after = pool.threadsBusy().map((thread) => thread.busyMs);
      const first = (after[0] ?? 0) - (before[0] ?? 0);
      const second = (after[1] ?? 0) - (before[1] ?? 0);
      // 2,000 events take tens of milliseconds on any machine; the idle thread only answers nothing.
      expect(first).toBeGreaterThan(20);
      expect(second).toBeLessThan(first / 4);
      // Two threads, two identities: a thread replaced under the same name is told apart by it.
      expect(new Set(pool.threadsBusy().map((thread) => thread.threadId)).size).toBe(2);
      expect(new InlineTransformer(SETUP, encoder).threadsBusy()).toEqual([]);
    } finally {
      await pool.close();
    }
  });

  it("a thread that dies rejects the chunks it owed and reports the failure (the worker then exits non-zero)", async () => {
    let reported: Error | undefined;
    const broken = { ...SETUP, pipeline: null, schemaIds } as unknown as Parameters<typeof ThreadTransformer.start>[0];
    const thread = ThreadTransformer.start(broken, (error) => {
      reported = error;
    });
    await expect(thread.transform("cdp.raw.group", 0, rawMessages(5, 1), 0)).rejects.toThrow();
    expect(reported).toBeInstanceOf(Error);
    await expect(thread.transform("cdp.raw.group", 0, rawMessages(5, 1), 0)).rejects.toThrow();
    await thread.close();
  });

  it("dead-letters a destination record over CDP_MAX_RECORD_BYTES as record_too_large; the other destinations still get theirs", async () => {
    const event = { type: "group", userId: "u-1", groupId: "org-1", traits: { name: "Org", plan: "p".repeat(500) } };
    const chunk: RawMessage[] = [
      { key: null, value: Buffer.from(JSON.stringify(event)), offset: "7", timestamp: "0", headers: undefined },
    ];
    const destinationRecords = (outputs: ChunkOutputs) =>
      [...outputs.byTopic].filter(([topic]) => topic !== "cdp.dlq").flatMap(([, messages]) => messages);
    const size = (m: { key?: unknown; value: unknown }) =>
      (m.value as Buffer).length + Buffer.byteLength(String(m.key ?? ""));
    const roomy = await new InlineTransformer(SETUP, encoder).transform("cdp.raw.group", 0, chunk, 0);
    const sizes = destinationRecords(roomy).map(size);
    const limit = Math.max(...sizes) - 1;
    const tooLarge = sizes.filter((s) => s > limit).length;
    const tight = await new InlineTransformer({ ...SETUP, maxRecordBytes: limit }, encoder).transform(
      "cdp.raw.group",
      0,
      chunk,
      0,
    );
    expect(tooLarge).toBeGreaterThan(0);
    expect(tight.summary.deadLetters.record_too_large).toBe(tooLarge);
    expect(destinationRecords(tight).map(size)).toEqual(sizes.filter((s) => s <= limit));
    const letters = (tight.byTopic.get("cdp.dlq") ?? []).map(
      (m) => schemas.get("cdp.dlq")?.type.fromBuffer((m.value as Buffer).subarray(5)) as Record<string, unknown>,
    );
    const letter = letters.find((l) => l.code === "record_too_large");
    expect(letter).toMatchObject({ stage: "destination", source_offset: 7 });
    expect(String(letter?.message)).toMatch(new RegExp(`the limit is ${limit} \\(CDP_MAX_RECORD_BYTES\\)`));
  });

  it("the event loop's transform leaves it a turn between slices of INLINE_SLICE events (kafkajs's I/O is not held up for a whole chunk)", async () => {
    const inline = new InlineTransformer(SETUP, encoder);
    const order: string[] = [];
    setImmediate(() => order.push("a turn of the event loop"));
    await inline.transform("cdp.raw.group", 0, rawMessages(INLINE_SLICE * 3, 4), 0);
    order.push("the chunk transformed");
    expect(order).toEqual(["a turn of the event loop", "the chunk transformed"]);
    // A chunk of one slice is transformed at once, as before.
    const short: string[] = [];
    setImmediate(() => short.push("a turn of the event loop"));
    await inline.transform("cdp.raw.group", 1, rawMessages(INLINE_SLICE, 5), 0);
    short.push("the chunk transformed");
    expect(short).toEqual(["the chunk transformed"]);
  });

  it("a chunk whose later slice fails forgets what its first slices remembered: their events come back as new, not as duplicates", async () => {
    const groups = generateEvents(400, 8).filter((event) => event.kind === "group");
    const chunk: RawMessage[] = [...groups.slice(0, INLINE_SLICE), { bytes: Buffer.from("{") }].map((event, i) => ({
      key: null,
      value: event.bytes,
      offset: String(i),
      timestamp: "0",
    }));
    const inline = new InlineTransformer(SETUP, deadLettersFailOnce(encoder));
    await expect(inline.transform("cdp.raw.group", 0, chunk, 0)).rejects.toThrow(DEAD_LETTER_FAILURE);
    const again = await inline.transform("cdp.raw.group", 0, chunk, 0);
    expect(again.summary.skipped.duplicate ?? 0).toBe(0);
    expect(again.summary.outcomes).toEqual({ routed: INLINE_SLICE, skipped: 0, dead_letter: 1 });
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RecordEncoder } from "../../../src/avro/encoder.js";
import { ArenaSizer, RecordArena } from "../../../src/avro/record-arena.js";
import { loadTopicSchemas } from "../../../src/avro/schemas.js";
import { packOutputs, unpackOutputs } from "../../../src/kafka/chunk-wire.js";
import { emptySummary } from "../../../src/kafka/outputs.js";
import { group, run, valuesFor } from "../../support/events.js";

// A chunk's records are written once, into one buffer that crosses to the main thread whole.
// Whatever the arena does to make room, every record must come out with exactly its bytes.

const schemas = loadTopicSchemas();
const topic = "cdp.dest.warehouse.groups";
const encoder = RecordEncoder.fromIds(schemas, new Map([...schemas.values()].map((s, i) => [s.subject, 300 + i])));
const [sampleRow] = valuesFor(run(group({ traits: { name: "Acme" } })), "warehouse");
const row = (traits: Record<string, unknown>) => ({ ...sampleRow, traits_json: traits });

describe("record arena", () => {
  it("records written before the arena grew keep their bytes, in the buffer that crosses", () => {
    const arena = new RecordArena(0);
    const views = Array.from({ length: 200 }, (_, i) =>
      encoder.encodeInto(arena, topic, row({ i, pad: "x".repeat(i) })),
    );
    const copies = views.map((view) => Buffer.from(view));
    const whole = Buffer.from(arena.finish(), 0, arena.size);
    views.forEach((view, i) => {
      const span = arena.spanOf(view);
      if (!span) throw new Error(`record ${i} is not in the arena`);
      expect(whole.subarray(span[0], span[0] + span[1])).toEqual(copies[i]);
      expect(view).toEqual(encoder.encode(topic, row({ i, pad: "x".repeat(i) })));
    });
  });

  it("a value that does not fit its schema throws and leaves the arena as it was", () => {
    const arena = new RecordArena(0);
    encoder.encodeInto(arena, topic, row({ a: 1 }));
    const size = arena.size;
    expect(() => encoder.encodeInto(arena, topic, { ...row({}), object_id: 42 })).toThrow();
    expect(arena.size).toBe(size);
  });

  it("dropLast takes back only the record written last", () => {
    const arena = new RecordArena(0);
    const first = encoder.encodeInto(arena, topic, row({ a: 1 }));
    const second = encoder.encodeInto(arena, topic, row({ b: 2 }));
    arena.dropLast(first);
    expect(arena.size).toBe(first.length + second.length);
    arena.dropLast(second);
    expect(arena.size).toBe(first.length);
  });

  it("bytes that are not the arena's have no span in it", () => {
    const arena = new RecordArena(0);
    arena.writeString("key");
    expect(arena.spanOf(Buffer.from("key"))).toBeUndefined();
    expect(arena.spanOf(new RecordArena(0).writeString("key"))).toBeUndefined();
  });

  it("the sizer follows the chunks' output bytes per input byte", () => {
    const sizer = new ArenaSizer();
    for (let i = 0; i < 30; i++) {
      const arena = sizer.arenaFor(1_000);
      arena.appendBytes(Buffer.alloc(8_000));
      sizer.observe(1_000, arena);
    }
    const next = sizer.arenaFor(1_000);
    expect(next.buffer.length).toBeGreaterThanOrEqual(8_000);
    expect(next.buffer.length).toBeLessThan(10_500);
  });

  it("packed outputs unpack to exactly their keys and values: shared keys, outgrown arenas, bytes from elsewhere", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            topic: fc.constantFrom("a", "b", "c"),
            key: fc.option(fc.string({ maxLength: 12 }), { nil: null }),
            traits: fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 300 }), { maxKeys: 4 }),
            // Large enough that most runs outgrow the arena's first buffer, some more than once.
            padding: fc.integer({ min: 0, max: 3_000 }),
            elsewhere: fc.boolean(),
          }),
          { minLength: 1, maxLength: 60 },
        ),
        fc.integer({ min: 0, max: 20_000 }),
        (records, capacity) => {
          const arena = new RecordArena(capacity);
          const byTopic = new Map<string, Array<{ key: Buffer | string | null; value: Buffer | null }>>();
          const expected = new Map<string, Array<[string | null, string | null]>>();
          let lastKey: string | null = null;
          let keyView: Buffer | null = null;
          for (const { padding, ...record } of records) {
            const traits = { ...record.traits, padding: "x".repeat(padding) };
            // Shared keys as the transform writes them (once per run of records), or a plain string.
            if (record.key !== null && record.key !== lastKey) keyView = arena.writeString(record.key);
            lastKey = record.key;
            const key = record.key === null ? null : record.elsewhere ? record.key : keyView;
            const value = record.elsewhere
              ? encoder.encode(topic, row(traits))
              : encoder.encodeInto(arena, topic, row(traits));
            byTopic.set(record.topic, [...(byTopic.get(record.topic) ?? []), { key, value }]);
            const bytes = encoder.encode(topic, row(traits)).toString("hex");
            expected.set(record.topic, [
              ...(expected.get(record.topic) ?? []),
              [record.key === null ? null : Buffer.from(record.key).toString("hex"), bytes],
            ]);
          }
          const back = unpackOutputs(
            structuredClone(packOutputs({ byTopic, arena, summary: emptySummary(), remembered: [] })),
          );
          const actual = new Map(
            [...back.byTopic].map(([t, messages]) => [
              t,
              messages.map((m) => [
                m.key === null || m.key === undefined ? null : Buffer.from(m.key).toString("hex"),
                m.value ? Buffer.from(m.value).toString("hex") : null,
              ]),
            ]),
          );
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });
});

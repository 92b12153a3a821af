import type avro from "avsc";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RecordEncoder } from "../../../src/avro/encoder.js";
import { RecordArena } from "../../../src/avro/record-arena.js";
import { compileRecordWriter, type RecordWriter } from "../../../src/avro/record-writer.js";
import { avroType, loadTopicSchemas } from "../../../src/avro/schemas.js";
import { generateEvents } from "../../../src/bench/event-generator.js";
import { group, pipeline, RECORD_TIME, run, valuesFor } from "../../support/events.js";

// The compiled writer replaces avsc's `encode` on the transform thread's hot path. Its contract:
// the same bytes as avsc for every value avsc takes, and a refusal (which RecordEncoder hands to
// avsc) for every value avsc does not take.

const schemas = loadTopicSchemas();
const destinationTopics = [...schemas.keys()].filter((topic) => topic.startsWith("cdp.dest."));

function writerFor(type: avro.Type): RecordWriter {
  const writer = compileRecordWriter(type);
  if (writer === undefined) throw new Error("the type did not compile");
  return writer;
}

/** The compiled writer's bytes, from a buffer of exactly `room` bytes (grown if it was short, as the encoder does). */
function compiled(writer: RecordWriter, value: unknown, room = 1 << 16): Buffer {
  let buffer = Buffer.alloc(room);
  const end = writer(buffer, 0, value);
  if (end <= buffer.length) return buffer.subarray(0, end);
  buffer = Buffer.alloc(end);
  expect(writer(buffer, 0, value)).toBe(end);
  return buffer;
}

/** An encoder of one topic written with `type`, under schema id 7. */
function encoderOf(topic: string, type: avro.Type): RecordEncoder {
  const schema = type.schema() as avro.Schema;
  const topicSchema = { topic, subject: `${topic}-value`, schema, text: JSON.stringify(schema), type };
  return RecordEncoder.fromIds(new Map([[topic, topicSchema]]), new Map([[topicSchema.subject, 7]]));
}

/** avsc's verdict: its bytes, or the error it throws. */
function avscBytes(type: avro.Type, value: unknown): Buffer | Error {
  try {
    return type.toBuffer(value);
  } catch (error) {
    return error as Error;
  }
}

describe("compiled record writer", () => {
  it("compiles every destination schema (the dead-letter schema, with bytes, is left to avsc)", () => {
    for (const topic of destinationTopics)
      expect(compileRecordWriter(schemas.get(topic)?.type as avro.Type)).toBeDefined();
    expect(compileRecordWriter(schemas.get("cdp.dlq")?.type as avro.Type)).toBeUndefined();
  });

  it("writes avsc's bytes for every record of 4,000 generated events (two seeds), every topic", () => {
    const writers = new Map(
      destinationTopics.map((topic) => [topic, writerFor(schemas.get(topic)?.type as avro.Type)]),
    );
    const seen = new Set<string>();
    for (const seed of [1, 2]) {
      const shared = pipeline();
      generateEvents(2_000, seed).forEach((event, index) => {
        const result = shared.process({
          bytes: event.bytes,
          timestamp: RECORD_TIME,
          provenance: { topic: "cdp.raw.group", partition: 0, offset: String(index) },
        });
        for (const record of result.routed) {
          if (record.value === null) continue; // a tombstone has no body
          const type = schemas.get(record.topic)?.type as avro.Type;
          expect(compiled(writers.get(record.topic) as RecordWriter, record.value)).toEqual(
            type.toBuffer(record.value),
          );
          seen.add(record.topic);
        }
      });
    }
    expect([...seen].sort()).toEqual(destinationTopics.sort());
  });

  // Every type the writer compiles, in one record, with the edges of each encoding.
  const everything = avroType({
    type: "record",
    name: "Everything",
    fields: [
      { name: "text", type: "string" },
      { name: "int", type: "int" },
      { name: "long", type: "long" },
      { name: "time", type: { type: "long", logicalType: "timestamp-millis" } },
      { name: "double", type: "double" },
      { name: "flag", type: "boolean" },
      { name: "kind", type: { type: "enum", name: "Kind", symbols: ["a", "b", "c"] } },
      { name: "json", type: { type: "string", logicalType: "json" } },
      { name: "maybeText", type: ["null", "string"], default: null },
      { name: "maybeLong", type: ["null", "long"], default: null },
      { name: "maybeJson", type: ["null", { type: "string", logicalType: "json" }], default: null },
      { name: "maybeMap", type: ["null", { type: "map", values: "string" }], default: null },
      {
        name: "maybeInner",
        type: ["null", { type: "record", name: "Inner", fields: [{ name: "id", type: "string" }] }],
        default: null,
      },
      { name: "list", type: { type: "array", items: "Inner" } },
      { name: "names", type: { type: "map", values: ["null", "string"] } },
    ],
  });
  const writer = writerFor(everything);

  /** Any UTF-16 units, lone surrogates included (JSON.parse makes them from `\ud800`). */
  const units = (maxLength: number) =>
    fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength });
  /** Strings around the 64-byte switch of avsc's string writer and the 8190-byte two-byte length. */
  const text = fc.oneof(
    units(80),
    fc.string({ unit: "binary", minLength: 20, maxLength: 70 }),
    fc.string({ unit: "grapheme-ascii", minLength: 60, maxLength: 70 }),
    fc
      .tuple(fc.integer({ min: 2_700, max: 2_760 }), fc.constantFrom("a", "é", "€", "😀", "\ud800"))
      .map(([n, c]) => c.repeat(Math.ceil(n / c.length))),
    fc.integer({ min: 0, max: 66 }).map((n) => `${"€".repeat(n % 22)}${"x".repeat(n)}`),
  );
  const long = fc.oneof(
    fc.integer(),
    fc.integer({ min: -1073741825, max: 1073741825 }),
    fc.constantFrom(-9007199254740990, 9007199254740990, 2 ** 31, -(2 ** 31) - 1, 2 ** 40 + 3),
    // avsc's bounds are one short of Number's safe integers (rounding): the edges are refused, below.
    fc.maxSafeInteger().filter((n) => Math.abs(n) <= 9007199254740990),
  );
  const inner = fc.record({ id: text });
  const value = fc.record(
    {
      text,
      int: fc.integer(),
      long,
      time: long,
      double: fc.double(),
      flag: fc.boolean(),
      kind: fc.constantFrom("a", "b", "c"),
      json: fc.jsonValue().filter((json) => json !== null),
      maybeText: fc.option(text),
      maybeLong: fc.option(long),
      maybeJson: fc.option(fc.jsonValue()),
      maybeMap: fc.option(fc.dictionary(text, text)),
      maybeInner: fc.option(inner),
      list: fc.array(inner, { maxLength: 3 }),
      names: fc.dictionary(text, fc.option(text)),
    },
    // A field left out takes its default (null) or, without one, is refused.
    { requiredKeys: ["text", "int", "long", "time", "double", "flag", "kind", "json", "list", "names"] },
  );

  it("writes avsc's bytes for any value of every type it compiles (property)", () => {
    fc.assert(
      fc.property(value, (record) => {
        expect(compiled(writer, record)).toEqual(everything.toBuffer(record));
      }),
      { numRuns: 2_000 },
    );
  });

  it("writes strings at the edges of avsc's string writer as avsc does (lone surrogates included)", () => {
    const strings = avroType({ type: "record", name: "Strings", fields: [{ name: "s", type: "string" }] });
    const write = writerFor(strings);
    const lone = "\ud800"; // three bytes: avsc's loop writes the unit itself up to 64 bytes, Node's encoder U+FFFD beyond
    const edges = [
      "",
      "x".repeat(63),
      "x".repeat(64),
      "x".repeat(65),
      `${"x".repeat(61)}${lone}`,
      `${"x".repeat(62)}${lone}`,
      `${"x".repeat(63)}${lone}`,
      `${lone}${"x".repeat(61)}`,
      "é".repeat(32),
      "€".repeat(21),
      "€".repeat(22),
      `${"😀".repeat(16)}`,
      `${"😀".repeat(15)}${lone}x`,
      "€".repeat(2730),
      "€".repeat(2731),
      `${"x".repeat(2729)}${lone}`,
      "x".repeat(8191),
      "x".repeat(8192),
    ];
    for (const s of edges) expect(compiled(write, { s }), `${s.length} units`).toEqual(strings.toBuffer({ s }));
  });

  it("writes what fits into a short buffer and says where the record would end", () => {
    fc.assert(
      fc.property(value, fc.integer({ min: 0, max: 200 }), (record, room) => {
        const expected = everything.toBuffer(record);
        const buffer = Buffer.alloc(room);
        const end = writer(buffer, 0, record);
        expect(end).toBe(expected.length);
        if (end <= room) expect(buffer.subarray(0, end)).toEqual(expected);
        expect(compiled(writer, record, room)).toEqual(expected);
      }),
      { numRuns: 1_000 },
    );
  });

  /** A valid record with one field replaced. */
  const base = {
    text: "t",
    int: 1,
    long: 2,
    time: 3,
    double: 0.5,
    flag: true,
    kind: "a",
    json: { a: 1 },
    list: [],
    names: {},
  };
  const wrong = fc.constantFrom<[string, unknown]>(
    ["text", 1],
    ["text", undefined],
    ["text", null],
    ["int", 1.5],
    ["int", 2 ** 31],
    ["int", "1"],
    ["long", 1.5],
    ["long", Number.NaN],
    ["long", Number.POSITIVE_INFINITY],
    ["long", 9007199254740991],
    ["long", "1"],
    ["long", 10n],
    ["double", "1"],
    ["double", null],
    ["flag", 1],
    ["kind", "d"],
    ["kind", "toString"],
    ["kind", 0],
    ["json", null],
    ["json", undefined],
    ["json", 10n],
    ["json", () => 1],
    ["maybeText", 5],
    ["maybeText", {}],
    ["maybeLong", "5"],
    ["maybeLong", 0.5],
    ["maybeJson", () => 1],
    ["maybeJson", { big: 10n }],
    ["maybeMap", []],
    ["maybeMap", "m"],
    ["maybeMap", { a: 1 }],
    ["maybeMap", Buffer.alloc(0)],
    ["maybeInner", []],
    ["maybeInner", Buffer.from("x")],
    ["maybeInner", { id: 1 }],
    ["list", {}],
    ["list", [null]],
    ["list", [{ id: 5 }]],
    ["names", null],
    ["names", [1]],
    ["names", { a: 1 }],
  );

  it("refuses every value avsc refuses, and the encoder then fails as avsc does", () => {
    const encoder = encoderOf("everything", everything);
    fc.assert(
      fc.property(wrong, ([field, bad]) => {
        const record = { ...base, [field]: bad };
        const verdict = avscBytes(everything, record);
        if (verdict instanceof Error) {
          expect(() => compiled(writer, record)).toThrow();
          expect(() => encoder.encode("everything", record)).toThrow(verdict.message);
        } else {
          // avsc takes a few of these (a map's keys are not checked): so must the encoder.
          expect(encoder.encode("everything", record).subarray(5)).toEqual(verdict);
        }
      }),
    );
  });

  it("leaves to avsc what avsc takes and it does not (the encoder's bytes are avsc's)", () => {
    // avsc reads a record's fields off whatever it is given: an array is a record whose fields are all missing.
    const defaults = avroType({
      type: "record",
      name: "Defaults",
      fields: [
        {
          name: "inner",
          type: {
            type: "record",
            name: "AllDefaults",
            fields: [{ name: "a", type: ["null", "string"], default: null }],
          },
        },
      ],
    });
    expect(() => writerFor(defaults)(Buffer.alloc(16), 0, { inner: [] })).toThrow();
    const encoder = encoderOf("defaults", defaults);
    expect(encoder.encode("defaults", { inner: [] }).subarray(5)).toEqual(defaults.toBuffer({ inner: [] }));
  });

  it("the encoder grows its arena for a record larger than the arena, with the compiled writer's bytes", () => {
    const topic = "cdp.dest.warehouse.groups";
    const schema = schemas.get(topic);
    if (!schema) throw new Error("no schema");
    const encoder = RecordEncoder.fromIds(schemas, new Map([[schema.subject, 11]]));
    const [row] = valuesFor(run(group({ traits: { name: "Acme" } })), "warehouse");
    const big = { ...row, traits_json: { blob: "é".repeat(20_000) } };
    const arena = new RecordArena(4 * 1024);
    const small = encoder.encodeInto(arena, topic, row);
    const view = encoder.encodeInto(arena, topic, big);
    expect(view.subarray(5)).toEqual(schema.type.toBuffer(big));
    expect(arena.spanOf(small)).toBeDefined();
  });
});

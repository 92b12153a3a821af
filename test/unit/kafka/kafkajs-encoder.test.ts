import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stockModule } from "../../../src/bench/kafkajs-stock.js";

// Every request kafkajs sends (fetch, metadata, group membership, offsets, transactions, produce)
// is written by its Encoder, which the install-time patch turns into a list of segments kept by
// reference (docs/kafkajs-patch.md). Random programs of encoder calls, nested encoders and arrays
// of them included, must give the stock encoder's bytes and sizes at every point: also when the
// bytes are read half-way and writing goes on, and when a child is written into two parents.

interface Encoder {
  readonly buffer: Buffer;
  size(): number;
  [method: string]: unknown;
}
type EncoderClass = new (initialSize?: number) => Encoder;

const require = createRequire(import.meta.url);
const kafkajsDir = dirname(require.resolve("kafkajs/package.json"));
const Patched = require(join(kafkajsDir, "src/protocol/encoder.js")) as EncoderClass;
const Stock = stockModule("src/protocol/encoder.js") as EncoderClass;

type Step =
  | { readonly call: string; readonly args: readonly unknown[] }
  | { readonly read: true }
  | { readonly child: Program; readonly as: "encoder" | "array" | "varIntArray" | "twice"; readonly count: number };
interface Program {
  readonly initialSize: number;
  readonly steps: readonly Step[];
}

const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((array) => Buffer.from(array));
const text = fc.string({ unit: "binary", maxLength: 300 });
const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const blob = fc.oneof(fc.constant(null), bytes(40), bytes(2_000), text);

const call = fc.oneof(
  fc.tuple(fc.constantFrom("writeInt8"), fc.integer({ min: -128, max: 127 })),
  fc.tuple(fc.constantFrom("writeInt16"), fc.integer({ min: -32_768, max: 32_767 })),
  fc.tuple(fc.constantFrom("writeInt32", "writeVarInt"), int32),
  fc.tuple(fc.constantFrom("writeUInt32", "writeUVarInt"), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
  fc.tuple(fc.constantFrom("writeInt64", "writeVarLong"), fc.integer({ min: -(2 ** 50), max: 2 ** 50 })),
  fc.tuple(fc.constantFrom("writeDouble"), fc.double({ noNaN: true })),
  fc.tuple(fc.constantFrom("writeBoolean"), fc.boolean()),
  fc.tuple(fc.constantFrom("writeString", "writeVarIntString", "writeUVarIntString"), fc.option(text, { nil: null })),
  fc.tuple(fc.constantFrom("writeBytes", "writeVarIntBytes", "writeUVarIntBytes"), blob),
  fc.tuple(fc.constantFrom("writeBuffer"), fc.oneof(bytes(40), bytes(3_000))),
  fc.tuple(fc.constantFrom("writeArray"), fc.array(int32, { maxLength: 5 }), fc.constantFrom("int32")),
  fc.tuple(fc.constantFrom("writeArray"), fc.array(text, { maxLength: 4 }), fc.constantFrom("string")),
);

const { program } = fc.letrec<{ program: Program; step: Step }>((tie) => ({
  program: fc.record({
    initialSize: fc.constantFrom(0, 1, 8, 511, 4096),
    steps: fc.array(tie("step"), { maxLength: 12 }),
  }),
  step: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 6, arbitrary: call.map(([name, ...args]) => ({ call: name, args })) },
    { weight: 1, arbitrary: fc.constant({ read: true as const }) },
    {
      weight: 2,
      arbitrary: fc.record({
        child: tie("program"),
        as: fc.constantFrom("encoder", "array", "varIntArray", "twice"),
        count: fc.integer({ min: 1, max: 3 }),
      }),
    },
  ),
}));

/** Runs a program on one encoder class; `reads` collects every half-way read and size. */
function run(Class: EncoderClass, { initialSize, steps }: Program, reads: Array<[string, number]>): Encoder {
  const encoder = new Class(initialSize);
  const invoke = (name: string, ...args: unknown[]) => (encoder[name] as (...a: unknown[]) => unknown)(...args);
  for (const step of steps) {
    if ("read" in step) {
      reads.push([encoder.buffer.toString("hex"), encoder.size()]);
    } else if ("call" in step) {
      invoke(step.call, ...step.args);
    } else {
      const children = Array.from({ length: step.count }, () => run(Class, step.child, reads));
      if (step.as === "encoder") for (const child of children) invoke("writeEncoder", child);
      if (step.as === "array") invoke("writeArray", children, "object");
      if (step.as === "varIntArray") invoke("writeVarIntArray", children, "object");
      if (step.as === "twice") {
        // The same child into this encoder and into another one, then more writes to the child.
        const other = new Class();
        for (const child of children) {
          invoke("writeEncoder", child);
          (other.writeEncoder as (e: Encoder) => void)(child);
          (child.writeInt32 as (v: number) => void)(7);
        }
        reads.push([other.buffer.toString("hex"), other.size()]);
      }
    }
  }
  return encoder;
}

describe("kafkajs encoder, patched to keep segments by reference", () => {
  it("writes exactly the stock encoder's bytes and sizes for random programs of calls", () => {
    fc.assert(
      fc.property(program, (p) => {
        const stockReads: Array<[string, number]> = [];
        const patchedReads: Array<[string, number]> = [];
        const stock = run(Stock, p, stockReads);
        const patched = run(Patched, p, patchedReads);
        expect(patched.size()).toBe(stock.size());
        expect(patched.buffer.toString("hex")).toBe(stock.buffer.toString("hex"));
        expect(patchedReads).toEqual(stockReads);
        // A second read gives the same bytes (the first joined them).
        expect(patched.buffer.toString("hex")).toBe(stock.buffer.toString("hex"));
      }),
      { numRuns: 400 },
    );
  });

  it("keeps large values by reference: encoding a record batch does not copy a value at every level", () => {
    const value = Buffer.alloc(1_000, 1);
    const record = new Patched();
    (record.writeVarIntBytes as (v: Buffer) => void)(value);
    const batch = new Patched();
    (batch.writeArray as (a: Encoder[], type: string) => void)([record], "object");
    const segments = (batch as unknown as { segments: Buffer[] }).segments;
    expect(segments.some((segment) => segment.buffer === value.buffer && segment.byteOffset === value.byteOffset)).toBe(
      true,
    );
  });
});

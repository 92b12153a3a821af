import { describe, expect, it } from "vitest";
import { RecordEncoder } from "../../../src/avro/encoder.js";
import { loadTopicSchemas } from "../../../src/avro/schemas.js";
import { group, run, valuesFor } from "../../support/events.js";

// Destination records go out in the Confluent wire format: magic byte 0, the schema id (4 bytes,
// big-endian) and the Avro body, whatever the record's size.

const schemas = loadTopicSchemas();
const topic = "cdp.dest.warehouse.groups";
const schema = schemas.get(topic);
if (!schema) throw new Error(`no schema for ${topic}`);
const encoder = RecordEncoder.fromIds(schemas, new Map([[schema.subject, 258]]));

/** A real warehouse row from the pipeline, with the free-form traits given. */
const [sampleRow] = valuesFor(run(group({ traits: { name: "Acme" } })), "warehouse");
function row(traits: Record<string, unknown>): Record<string, unknown> {
  if (!sampleRow) throw new Error("no warehouse row");
  return { ...sampleRow, traits_json: traits };
}

function decoded(bytes: Buffer): unknown {
  return schema?.type.fromBuffer(bytes.subarray(5));
}

describe("record encoder", () => {
  it("writes the magic byte and the schema id before the Avro body", () => {
    const value = row({ plan: "pro" });
    const bytes = encoder.encode(topic, value);
    expect(bytes[0]).toBe(0);
    expect(bytes.readInt32BE(1)).toBe(258);
    expect(bytes.subarray(5)).toEqual(schema.type.toBuffer(value));
  });

  it("encodes a record larger than its scratch buffer, and the small ones after it", () => {
    const big = row({ notes: "x".repeat(200_000) });
    const small = row({ plan: "pro" });
    const bigBytes = encoder.encode(topic, big);
    const smallBytes = encoder.encode(topic, small);
    expect(decoded(bigBytes)).toEqual(schema.type.fromBuffer(schema.type.toBuffer(big)));
    expect(decoded(smallBytes)).toEqual(schema.type.fromBuffer(schema.type.toBuffer(small)));
    expect(bigBytes.readInt32BE(1)).toBe(258);
  });

  it("a record that does not fit its schema throws, and the next one still encodes", () => {
    expect(() => encoder.encode(topic, { ...row({}), object_id: 42 })).toThrow();
    expect(decoded(encoder.encode(topic, row({ a: 1 })))).toMatchObject({ traits_json: { a: 1 } });
  });

  it("refuses a topic it has no schema id for", () => {
    expect(() => encoder.encode("cdp.dest.customerio", {})).toThrow(/no schema/);
  });

  it("the same free-form object written twice gives the same text, and a changed one new text", () => {
    const traits = { plan: "pro" };
    const first = encoder.encode(topic, row(traits));
    const again = encoder.encode(topic, row(traits));
    expect(again).toEqual(first);
    expect(decoded(encoder.encode(topic, row({ plan: "free" })))).toMatchObject({ traits_json: { plan: "free" } });
  });
});

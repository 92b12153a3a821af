import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadTopicSchemas } from "../../../src/avro/schemas.js";
import { generateEvents } from "../../../src/bench/event-generator.js";
import type { RoutedRecord } from "../../../src/core/outcome.js";
import type { JsonObject, JsonValue } from "../../../src/events/json.js";
import { eventText, jsonText } from "../../support/arbitraries.js";
import { pipeline, run } from "../../support/events.js";
import { sortedKeys, specExamplePayloads } from "../../support/fixtures.js";

// Every record a destination emits must survive Avro exactly: what `transform` shows is what a
// reader of the topic gets back.

const schemas = loadTopicSchemas();

/** Free-form fields, carried as JSON text: their key order and exact key set must survive too. */
function freeForm(topic: string, value: JsonObject): JsonValue[] {
  switch (topic) {
    case "cdp.dest.customerio":
      return [
        value.attributes ?? null,
        ...((value.cio_relationships as JsonObject[]) ?? []).map((r) => r.relationship_attributes ?? null),
      ];
    case "cdp.dest.mixpanel":
    case "cdp.dest.hubspot":
      return [value.properties ?? null];
    case "cdp.dest.intercom":
      return [(value.company as JsonObject | null)?.custom_attributes ?? null];
    case "cdp.dest.amplitude":
      return [value.group_properties ?? null];
    case "cdp.dest.warehouse.groups":
      return [value.traits_json ?? null];
    case "cdp.dest.warehouse.memberships":
      return [value.relationship_attributes ?? null];
    default:
      return [];
  }
}

function assertRoundTrip(record: RoutedRecord): void {
  if (record.value === null) return; // a tombstone has no value to encode
  const schema = schemas.get(record.topic);
  if (!schema) throw new Error(`no schema for ${record.topic}`);
  const decoded = schema.type.fromBuffer(schema.type.toBuffer(record.value)) as JsonObject;
  expect(JSON.stringify(sortedKeys(decoded))).toBe(JSON.stringify(sortedKeys(record.value)));
  const expected = freeForm(record.topic, record.value).map((v) => JSON.stringify(v));
  expect(freeForm(record.topic, decoded).map((v) => JSON.stringify(v))).toEqual(expected);
}

describe("Avro round trip: every destination record", () => {
  it("for the spec's examples", () => {
    for (const payload of specExamplePayloads()) {
      const result = run(payload);
      expect(result.routed.length).toBeGreaterThan(0);
      for (const record of result.routed) assertRoundTrip(record);
    }
  });

  it("for 3,000 generated realistic events, covering every topic", () => {
    const shared = pipeline();
    const topics = new Set<string>();
    for (const event of generateEvents(3000, 7)) {
      for (const record of run(event.bytes, shared).routed) {
        topics.add(record.topic);
        assertRoundTrip(record);
      }
    }
    expect([...topics].sort()).toEqual([...schemas.keys()].filter((t) => t !== "cdp.dlq").sort());
  });

  it("for hostile and random events", () => {
    fc.assert(
      fc.property(eventText, (text) => {
        for (const record of run(text).routed) assertRoundTrip(record);
      }),
      { numRuns: 1500 },
    );
  });
});

describe("Avro round trip: free-form attributes survive exactly", () => {
  const customerio = schemas.get("cdp.dest.customerio");

  function roundTrip(attributes: JsonValue): JsonValue {
    const value = run({ type: "group", groupId: "g", traits: {} }).routed.find(
      (r) => r.destination === "customerio",
    )?.value;
    if (!value || !customerio) throw new Error("no Customer.io record");
    const decoded = customerio.type.fromBuffer(customerio.type.toBuffer({ ...value, attributes })) as JsonObject;
    return decoded.attributes as JsonValue;
  }

  it("null distinct from absent, integers distinct from fractions, 2^53-1, unicode, nesting", () => {
    const attributes = JSON.parse(
      '{"plan":null,"employees":329,"ratio":0.5,"big":9007199254740991,"neg":-9007199254740991,"tiny":5e-324,"name":"Ærø 🐺 \\u0000 ☃","nested":{"deep":[1,[2,{"x":null}],"t"],"empty":{}},"list":[],"__proto__":{"polluted":true},"constructor":"Ferrari"}',
    ) as JsonValue;
    const back = roundTrip(attributes);
    expect(JSON.stringify(back)).toBe(JSON.stringify(attributes));
    expect(Object.keys(back as JsonObject)).toEqual(Object.keys(attributes as JsonObject));
    expect(Object.hasOwn(back as JsonObject, "plan")).toBe(true);
    expect(Object.hasOwn(back as JsonObject, "absent")).toBe(false);
    expect(Number.isInteger((back as JsonObject).employees)).toBe(true);
    expect(({} as JsonObject).polluted).toBeUndefined();
  });

  it("for any JSON object, hostile keys included", () => {
    fc.assert(
      fc.property(jsonText, fc.jsonValue(), (text, value) => {
        const hostile = JSON.parse(`{"x":${text}}`) as JsonObject;
        expect(JSON.stringify(roundTrip(hostile))).toBe(JSON.stringify(hostile));
        const random = { value: value as JsonValue };
        expect(JSON.stringify(roundTrip(random))).toBe(JSON.stringify(random));
      }),
      { numRuns: 1000 },
    );
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadTopicSchemas } from "../../../src/avro/schemas.js";
import type { JsonObject } from "../../../src/events/json.js";
import { pipeline, run } from "../../support/events.js";

// Issue 9's properties: integers of any length survive every destination topic through Avro,
// and warehouse keys never collide.

const schemas = loadTopicSchemas();

/** A record through Avro and back, as a reader of its topic gets it. */
function throughAvro(topic: string, value: JsonObject): JsonObject {
  const schema = schemas.get(topic);
  if (!schema) throw new Error(`no schema for ${topic}`);
  return schema.type.fromBuffer(schema.type.toBuffer(value)) as JsonObject;
}

/** Where each topic's records name the object, as text. */
const OBJECT_ID: Record<string, (value: JsonObject) => unknown> = {
  "cdp.dest.customerio": (v) => (v.identifiers as JsonObject).object_id,
  "cdp.dest.mixpanel": (v) => v.group_id,
  "cdp.dest.intercom": (v) => v.company_id,
  "cdp.dest.hubspot": (v) => v.id_value,
  "cdp.dest.amplitude": (v) => v.group_value,
  "cdp.dest.warehouse.groups": (v) => v.object_id,
  "cdp.dest.warehouse.memberships": (v) => v.object_id,
};

// Every length from 1 to 40 digits equally likely (fast-check's default sizes keep strings short).
const integerLiteral = fc
  .integer({ min: 1, max: 40 })
  .chain((length) =>
    fc.tuple(
      fc.boolean(),
      fc.integer({ min: 1, max: 9 }),
      fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: length - 1, maxLength: length - 1 }),
    ),
  )
  .map(([negative, first, rest]) => `${negative ? "-" : ""}${first}${rest}`);

describe("property: an integer of 1 to 40 digits keeps its digits in every destination topic, through Avro", () => {
  it("as a groupId, a userId and a trait", () => {
    fc.assert(
      fc.property(integerLiteral, integerLiteral, integerLiteral, (groupId, userId, trait) => {
        const text = `{"type":"group","groupId":${groupId},"userId":${userId},"traits":{"n":${trait},"list":[${trait}]}}`;
        const result = run(text);
        const topics = new Set(result.routed.map((r) => r.topic));
        expect(topics.size).toBe(7);
        const seen = { user: new Set<string>(), trait: new Set<string>() };
        for (const record of result.routed) {
          if (record.value === null) continue;
          const decoded = throughAvro(record.topic, record.value);
          expect(OBJECT_ID[record.topic]?.(decoded)).toBe(groupId);
          expect(record.key.startsWith(`1:${groupId}`)).toBe(true);
          const json = JSON.stringify(decoded);
          if (json.includes(`"${userId}"`)) seen.user.add(record.topic);
          if (json.includes(`"n":${trait},`) || json.includes(`"n":${trait}}`)) seen.trait.add(record.topic);
        }
        // Every topic but the groups table names the person, and every free-form trait field carries it exactly.
        expect(seen.user.size).toBeGreaterThanOrEqual(6);
        for (const topic of topics) if (topic !== "cdp.dest.warehouse.groups") expect(seen.user).toContain(topic);
        expect([...seen.trait].sort()).toEqual([
          "cdp.dest.amplitude",
          "cdp.dest.customerio",
          "cdp.dest.hubspot",
          "cdp.dest.intercom",
          "cdp.dest.mixpanel",
          "cdp.dest.warehouse.groups",
        ]);
      }),
      { numRuns: 300 },
    );
  });

  it("as a Delete Object's objectId", () => {
    fc.assert(
      fc.property(integerLiteral, (objectId) => {
        const result = run(`{"type":"track","event":"Delete Object","properties":{"objectId":${objectId}}}`);
        for (const record of result.routed) {
          if (record.value === null) continue;
          expect(OBJECT_ID[record.topic]?.(throughAvro(record.topic, record.value))).toBe(objectId);
        }
      }),
    );
  });
});

describe("property: any two distinct id tuples give distinct warehouse keys", () => {
  // Ids built from few pieces (separators, the words keys use, escapes), so that among a few dozen
  // tuples some would share a key if keys were ambiguous.
  const id = fc
    .array(fc.constantFrom(":", "user", "anonymous", "a", "%", "%3A", "3A"), { minLength: 1, maxLength: 4 })
    .map((parts) => parts.join(""));
  const tuple = fc.record({
    objectTypeId: fc.constantFrom("1", "12"),
    objectId: id,
    person: fc.oneof(fc.record({ userId: id }), fc.record({ anonymousId: id })),
  });
  type Tuple = { objectTypeId: string; objectId: string; person: JsonObject };

  const shared = pipeline();
  const keysOf = (t: Tuple) =>
    run({ type: "group", groupId: t.objectId, objectTypeId: t.objectTypeId, ...t.person }, shared)
      .routed.filter((r) => r.destination === "warehouse")
      .map((r) => r.key);

  /** True when equal keys always mean equal tuples (and the other way round). */
  function injective(tuples: readonly Tuple[], keyOf: (t: Tuple) => string | undefined, same: (t: Tuple) => string) {
    const byKey = new Map<string, string>();
    for (const t of tuples) {
      const key = keyOf(t) ?? "";
      const known = byKey.get(key);
      if (known !== undefined) expect(known).toBe(same(t));
      byKey.set(key, same(t));
    }
  }

  /** The documented key format, read back: a key that can be read back names one tuple only. */
  function readMembershipKey(key: string): Tuple {
    const parts = key.split(":");
    expect(parts).toHaveLength(4);
    const [objectTypeId = "", objectId = "", kind = "", personId = ""] = parts;
    const unescapeId = (text: string) => text.replace(/%3A/g, ":").replace(/%25/g, "%");
    const person = kind === "user" ? { userId: unescapeId(personId) } : { anonymousId: unescapeId(personId) };
    expect(["user", "anonymous"]).toContain(kind);
    return { objectTypeId, objectId: unescapeId(objectId), person };
  }

  it("a membership key reads back as the tuple it was made from (so no two tuples share one)", () => {
    fc.assert(
      fc.property(tuple, (t) => {
        expect(readMembershipKey(keysOf(t)[1] ?? "")).toEqual(t);
      }),
      { numRuns: 1000 },
    );
  });

  it("for memberships (the object and the person) and groups (the object)", () => {
    fc.assert(
      fc.property(fc.array(tuple, { minLength: 40, maxLength: 40 }), (tuples) => {
        injective(
          tuples,
          (t) => keysOf(t)[1],
          (t) => JSON.stringify(t),
        );
        injective(
          tuples,
          (t) => keysOf(t)[0],
          (t) => `${t.objectTypeId}/${t.objectId}`,
        );
      }),
      { numRuns: 200 },
    );
  });
});

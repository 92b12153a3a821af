import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../../src/events/json.js";
import {
  customerioValue,
  deadLetterCode,
  group,
  pipeline,
  RECORD_TIME,
  run,
  track,
  warningCodes,
} from "../../support/events.js";

// destinations.md, section 2: Normalisation.

function attributes(traits: JsonObject, extra: JsonObject = {}): JsonObject {
  return customerioValue(run(group({ traits, ...extra }))).attributes as JsonObject;
}

function identifiers(fields: JsonObject): JsonObject {
  return customerioValue(run(group(fields))).identifiers as JsonObject;
}

describe("IDs: strings or finite numbers; numbers become decimal strings", () => {
  it("turns a numeric groupId and userId into strings", () => {
    const value = customerioValue(run(group({ groupId: 42, userId: 7 })));
    expect(value.identifiers).toEqual({ object_type_id: "1", object_id: "42" });
    expect(value.cio_relationships).toEqual([{ identifiers: { id: "7" }, relationship_attributes: null }]);
  });

  it("dead-letters an id that is neither a string nor a number", () => {
    expect(deadLetterCode(run(group({ groupId: { id: 1 } })))).toBe("invalid_id");
    expect(deadLetterCode(run(group({ userId: true })))).toBe("invalid_id");
    expect(deadLetterCode(run(group({ anonymousId: ["a"] })))).toBe("invalid_id");
    expect(deadLetterCode(run(group({ messageId: {} })))).toBe("invalid_id");
  });

  it("counts empty or whitespace-only ids as absent: missing_group_id", () => {
    expect(deadLetterCode(run(group({ groupId: "   " })))).toBe("missing_group_id");
    expect(deadLetterCode(run({ type: "group", userId: "u" }))).toBe("missing_group_id");
    expect(customerioValue(run(group({ userId: "" }))).cio_relationships).toEqual([]);
  });

  it("never trims or repairs an id", () => {
    expect(identifiers({ groupId: " 0e8c78ea9d97a7b8185e8632, " }).object_id).toBe(" 0e8c78ea9d97a7b8185e8632, ");
  });
});

describe("Reserved traits: case-insensitive, ignoring _, - and spaces", () => {
  it("maps created_at, CreatedAt, CREATED-AT and created at to createdAt", () => {
    for (const key of ["created_at", "CreatedAt", "CREATED-AT", "created at", "createdAt"]) {
      expect(attributes({ [key]: "2021-01-01" })).toEqual({ created_at: Date.UTC(2021, 0, 1) / 1000 });
    }
  });

  it("gives every reserved trait its canonical name", () => {
    const sent = {
      AVATAR: "a",
      Description: "d",
      EMAIL: "e@x.io",
      employees: 10,
      ID: "i",
      industry: "t",
      Name: "n",
      PHONE: "p",
      web_site: "w",
      Plan: "p",
    };
    expect(Object.keys(attributes(sent))).toEqual([
      "avatar",
      "description",
      "email",
      "employees",
      "id",
      "industry",
      "name",
      "phone",
      "website",
      "plan",
    ]);
  });

  it("keeps custom traits' keys exactly as sent", () => {
    expect(attributes({ wile_e_coyote_accidents: 329, "Total Billed": 830, MRR: 1 })).toEqual({
      wile_e_coyote_accidents: 329,
      "Total Billed": 830,
      MRR: 1,
    });
  });
});

describe("Reserved traits: address sub-fields", () => {
  it("maps city, country, postalCode, state and street in any spelling, keeping other keys", () => {
    expect(
      attributes({
        Address: { CITY: "Oslo", postal_code: "0150", "Street ": "x", Country: "NO", STATE: "-", unit: 4 },
      }),
    ).toEqual({
      address: { city: "Oslo", postalCode: "0150", street: "x", country: "NO", state: "-", unit: 4 },
    });
  });

  it("keeps an address that is not an object as sent, with invalid_address", () => {
    const result = run(group({ traits: { address: "1 Main St" } }));
    expect((customerioValue(result).attributes as JsonObject).address).toBe("1 Main St");
    expect(warningCodes(result)).toEqual(["invalid_address"]);
  });

  it("counts a clash inside address as trait_conflict", () => {
    const result = run(group({ traits: { address: { postal_code: "1", postalCode: "2" } } }));
    expect((customerioValue(result).attributes as JsonObject).address).toEqual({ postalCode: "2" });
    expect(warningCodes(result)).toEqual(["trait_conflict"]);
  });
});

describe("Reserved traits: conflicts", () => {
  it("lets the exactly canonical spelling win, wherever it stands, with trait_conflict", () => {
    const first = run(group({ traits: { createdAt: "2021-01-01", created_at: "2020-01-01" } }));
    const last = run(group({ traits: { created_at: "2020-01-01", createdAt: "2021-01-01" } }));
    for (const result of [first, last]) {
      expect((customerioValue(result).attributes as JsonObject).created_at).toBe(Date.UTC(2021, 0, 1) / 1000);
      expect(warningCodes(result)).toEqual(["trait_conflict"]);
    }
  });

  it("keeps the first when no spelling is canonical", () => {
    const result = run(group({ traits: { NAME: "first", name_: "second" } }));
    expect((customerioValue(result).attributes as JsonObject).name).toBe("first");
    expect(warningCodes(result)).toEqual(["trait_conflict"]);
  });
});

describe("objectTypeId: top level, else traits (any casing), else 1", () => {
  it("defaults to 1", () => {
    expect(identifiers({}).object_type_id).toBe("1");
  });

  it("reads traits.objectTypeId in any spelling, object_type_id included", () => {
    for (const key of ["objectTypeId", "object_type_id", "OBJECTTYPEID", "object-type-id"]) {
      expect(identifiers({ traits: { [key]: 2 } }).object_type_id).toBe("2");
    }
  });

  it("prefers the top-level objectTypeId to the traits'", () => {
    expect(identifiers({ objectTypeId: "3", traits: { objectTypeId: 2 } }).object_type_id).toBe("3");
  });

  it("emits it as a string, and removes it from the object's attributes", () => {
    const value = customerioValue(run(group({ traits: { objectTypeId: 2, name: "Acme" } })));
    expect(value.identifiers).toEqual({ object_type_id: "2", object_id: "acme" });
    expect(value.attributes).toEqual({ name: "Acme" });
  });

  it("accepts positive integers and digit strings from 1 to 2147483647", () => {
    expect(identifiers({ objectTypeId: 2147483647 }).object_type_id).toBe("2147483647");
    expect(identifiers({ objectTypeId: "007" }).object_type_id).toBe("7");
    expect(identifiers({ objectTypeId: 2.0 }).object_type_id).toBe("2");
  });

  it("dead-letters anything else as invalid_object_type_id", () => {
    for (const bad of [0, -1, 1.5, 2147483648, "+2", "-2", "2a", "", " 2", true, { id: 2 }, [2]]) {
      expect(deadLetterCode(run(group({ traits: { objectTypeId: bad } })))).toBe("invalid_object_type_id");
    }
    expect(deadLetterCode(run(group({ objectTypeId: "abc", traits: { objectTypeId: 2 } })))).toBe(
      "invalid_object_type_id",
    );
  });

  it("treats a null objectTypeId as absent", () => {
    expect(identifiers({ objectTypeId: null, traits: { objectTypeId: 4 } }).object_type_id).toBe("4");
  });
});

describe("relationshipAttributes: an object, for the relationship only", () => {
  it("is taken out of the object's attributes and given to the relationship", () => {
    const value = customerioValue(
      run(group({ traits: { name: "Acme", relationship_attributes: { role: "sponsor" } } })),
    );
    expect(value.attributes).toEqual({ name: "Acme" });
    expect(value.cio_relationships).toEqual([
      { identifiers: { id: "user-1" }, relationship_attributes: { role: "sponsor" } },
    ]);
  });

  it("dead-letters a value that is not an object as invalid_relationship_attributes", () => {
    expect(deadLetterCode(run(group({ traits: { relationshipAttributes: "sponsor" } })))).toBe(
      "invalid_relationship_attributes",
    );
    expect(deadLetterCode(run(group({ traits: { RelationshipAttributes: [1] } })))).toBe(
      "invalid_relationship_attributes",
    );
  });

  it("is dropped with relationship_without_user when no person is named", () => {
    const result = run({
      type: "group",
      groupId: "acme",
      traits: { relationshipAttributes: { role: "x" }, name: "Acme" },
    });
    expect(customerioValue(result).attributes).toEqual({ name: "Acme" });
    expect(customerioValue(result).cio_relationships).toEqual([]);
    expect(warningCodes(result)).toEqual(["relationship_without_user"]);
  });
});

describe("Dates: createdAt and envelope dates", () => {
  it("turns createdAt into Unix seconds for Customer.io", () => {
    expect(attributes({ createdAt: "2015-02-23T22:28:55.6527521Z" }).created_at).toBe(1424730535);
    expect(attributes({ createdAt: 1424730535 }).created_at).toBe(1424730535);
    expect(attributes({ createdAt: 1424730535111 }).created_at).toBe(1424730535);
  });

  it("drops an invalid createdAt with invalid_created_at; the event still flows", () => {
    const result = run(group({ traits: { createdAt: "last tuesday", name: "Acme" } }));
    expect(customerioValue(result).attributes).toEqual({ name: "Acme" });
    expect(warningCodes(result)).toEqual(["invalid_created_at"]);
  });

  it("leaves other ISO-8601 trait values as sent", () => {
    expect(attributes({ renewal: "2026-01-01T00:00:00Z" }).renewal).toBe("2026-01-01T00:00:00Z");
  });

  it("drops an invalid envelope date with invalid_timestamp; the event still flows", () => {
    const result = run(group({ timestamp: "2015-02-23T22:28:55.111Z,", receivedAt: "2015-02-23T22:28:55.387Z" }));
    expect(result.outcome).toBe("routed");
    expect(warningCodes(result)).toEqual(["invalid_timestamp"]);
    expect(customerioValue(result).event_time).toBe(Date.UTC(2015, 1, 23, 22, 28, 55, 387));
  });

  it("takes the event time from timestamp, else receivedAt, else the Kafka record timestamp", () => {
    const both = customerioValue(run(group({ timestamp: "2020-01-01", receivedAt: "2021-01-01" })));
    expect(both.event_time).toBe(Date.UTC(2020, 0, 1));
    expect(customerioValue(run(group({ receivedAt: "2021-01-01" }))).event_time).toBe(Date.UTC(2021, 0, 1));
    expect(customerioValue(run(group())).event_time).toBe(RECORD_TIME);
  });

  it("takes received_at from receivedAt, else the Kafka record timestamp", () => {
    expect(customerioValue(run(group({ receivedAt: 1424730535 }))).received_at).toBe(1424730535000);
    expect(customerioValue(run(group())).received_at).toBe(RECORD_TIME);
  });
});

describe("Safety: limits, checked before any recursive work", () => {
  it("dead-letters an event over 512 KiB as too_large", () => {
    const big = JSON.stringify(group({ traits: { blob: "x".repeat(512 * 1024) } }));
    expect(deadLetterCode(run(big))).toBe("too_large");
  });

  it("dead-letters nesting deeper than 32 as too_deep, and accepts 32", () => {
    // The outer object is level 1; each array inside traits adds one.
    const nest = (depth: number) =>
      `{"type":"group","groupId":"g","traits":${"[".repeat(depth - 1)}1${"]".repeat(depth - 1)}}`;
    expect(deadLetterCode(run(nest(33)))).toBe("too_deep");
    expect(deadLetterCode(run(nest(32)))).toBe("invalid_traits");
  });

  it("dead-letters more keys than the limit as too_many_keys", () => {
    const traits = Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`k${i}`, i]));
    expect(deadLetterCode(run(group({ traits })))).toBe("too_many_keys");
  });

  it("takes its limits from the configuration", () => {
    const shallow = pipeline({ limits: { maxDepth: 3 } });
    expect(deadLetterCode(run(group({ traits: { a: { b: { c: 1 } } } }), shallow))).toBe("too_deep");
    expect(run(group({ traits: { a: { b: 1 } } }), shallow).outcome).toBe("routed");
    const narrow = pipeline({ limits: { maxKeys: 5 } });
    expect(deadLetterCode(run(group({ traits: { a: 1, b: 2 } }), narrow))).toBe("too_many_keys");
    expect(run(group({ traits: { a: 1 } }), narrow).outcome).toBe("routed");
    const small = pipeline({ limits: { maxBytes: 1024 } });
    expect(deadLetterCode(run(group({ traits: { a: "x".repeat(2000) } }), small))).toBe("too_large");
  });

  it("is not fooled by brackets and colons inside strings", () => {
    const result = run(
      group({ traits: { note: "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[:::::::::", quote: 'a "quoted" [ value' } }),
    );
    expect(result.outcome).toBe("routed");
  });

  it("dead-letters bytes that are not UTF-8 as invalid_encoding, and non-JSON as malformed_json", () => {
    expect(deadLetterCode(run(Uint8Array.from([0x7b, 0xff, 0x7d])))).toBe("invalid_encoding");
    expect(deadLetterCode(run("{'type': 'group'}"))).toBe("malformed_json");
    expect(deadLetterCode(run("[1,2]"))).toBe("not_an_object");
    expect(deadLetterCode(run("null"))).toBe("not_an_object");
  });

  it("refuses every malformed UTF-8 sequence as invalid_encoding: overlong, surrogate, truncated, past U+10FFFF", () => {
    const inside = (...bytes: number[]) =>
      Uint8Array.from([...Buffer.from('{"type":"group","groupId":"'), ...bytes, 0x22, 0x7d]);
    for (const bad of [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0x80]]) {
      expect(deadLetterCode(run(inside(...bad)))).toBe("invalid_encoding");
    }
    expect(run(inside(0xe2, 0x82, 0xac)).outcome).toBe("routed");
  });

  it("ignores a leading byte-order mark (RFC 8259 lets a parser), and keeps every other character as sent", () => {
    const text = '{"type":"group","groupId":"g","traits":{"name":"\ufeffZoë 😀"}}';
    const result = run(Uint8Array.from([0xef, 0xbb, 0xbf, ...Buffer.from(text)]));
    expect(result.outcome).toBe("routed");
    expect((customerioValue(result).attributes as JsonObject).name).toBe("\ufeffZoë 😀");
  });

  it("never lets __proto__, constructor or prototype reach an object prototype", () => {
    const raw =
      '{"type":"group","groupId":"g","traits":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"prototype":1,"address":{"__proto__":{"polluted":true}}}}';
    const value = customerioValue(run(raw));
    expect(({} as JsonObject).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
    const attrs = value.attributes as JsonObject;
    expect(Object.keys(attrs)).toEqual(["__proto__", "constructor", "prototype", "address"]);
    expect(Object.getPrototypeOf(attrs)).toBeNull();
    expect(JSON.parse(JSON.stringify(attrs))).toEqual(JSON.parse(raw).traits);
  });
});

describe("integrations: by display name or id, case-insensitively", () => {
  it("routes only to Customer.io under {All: false, Customer.io: true}", () => {
    expect(run(group({ integrations: { All: false, "Customer.io": true } })).routed.map((r) => r.destination)).toEqual([
      "customerio",
    ]);
  });

  it("matches names and ids in any case, and treats an options object as enabled", () => {
    expect(run(group({ integrations: { all: false, "CUSTOMER.IO": {} } })).outcome).toBe("routed");
    expect(run(group({ integrations: { All: false, customerio: true } })).outcome).toBe("routed");
    const allButCustomerio = run(group({ integrations: { "customer.io": false } })).routed.map((r) => r.destination);
    expect(allButCustomerio).not.toContain("customerio");
    expect(allButCustomerio).toContain("mixpanel");
    expect(run(group({ integrations: { All: false, AMPLITUDE: true } })).routed.map((r) => r.destination)).toEqual([
      "amplitude",
      "amplitude",
    ]);
  });

  it("routes everywhere but a destination set to false", () => {
    const destinations = new Set(run(group({ integrations: { Mixpanel: false } })).routed.map((r) => r.destination));
    expect([...destinations]).toEqual(["customerio", "intercom", "hubspot", "amplitude", "warehouse"]);
  });

  it("ignores integrations that are not an object", () => {
    expect(run(group({ integrations: "all" })).outcome).toBe("routed");
  });
});

describe("Duplicates: a messageId already seen inside the window is skipped", () => {
  it("skips the repeat and routes a new id", () => {
    const shared = pipeline();
    expect(run(group({ messageId: "a" }), shared).outcome).toBe("routed");
    expect(run(group({ messageId: "a" }), shared).skipped[0]?.reason).toBe("duplicate");
    expect(run(group({ messageId: "b" }), shared).outcome).toBe("routed");
  });

  it("forgets the oldest id once the window is full (bounded memory)", () => {
    const shared = pipeline({ dedupe: { windowSize: 2 } });
    for (const id of ["a", "b", "c"]) run(group({ messageId: id }), shared);
    expect(run(group({ messageId: "a" }), shared).outcome).toBe("routed");
    expect(run(group({ messageId: "c" }), shared).skipped[0]?.reason).toBe("duplicate");
  });

  it("never calls events without a messageId duplicates, nor any event with window 0", () => {
    const shared = pipeline();
    expect(run(group(), shared).outcome).toBe("routed");
    expect(run(group(), shared).outcome).toBe("routed");
    const off = pipeline({ dedupe: { windowSize: 0 } });
    run(group({ messageId: "x" }), off);
    expect(run(group({ messageId: "x" }), off).outcome).toBe("routed");
  });

  it("remembers only events that passed validation, so a corrected resend goes through", () => {
    const shared = pipeline();
    expect(run(group({ messageId: "fix-me", groupId: "" }), shared).outcome).toBe("dead_letter");
    expect(run(group({ messageId: "fix-me" }), shared).outcome).toBe("routed");
  });

  it("catches a repeated semantic event too", () => {
    const shared = pipeline();
    const event = track({ event: "Delete Object", messageId: "d", properties: { objectId: "acme" } });
    run(event, shared);
    expect(run(event, shared).skipped[0]?.reason).toBe("duplicate");
  });
});

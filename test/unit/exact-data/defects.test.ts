import { describe, expect, it } from "vitest";
import type { RecordResult } from "../../../src/core/outcome.js";
import type { JsonObject } from "../../../src/events/json.js";
import {
  customerioValue,
  deadLetterCode,
  group,
  pipeline,
  run,
  track,
  valuesFor,
  warningCodes,
  warningCodesFor,
} from "../../support/events.js";

// Issue 9: the defects an independent review found, one regression test each (named after it),
// and the decisions taken where the contract is silent.

/** The raw JSON text of an event: numbers here must reach the parser exactly as written. */
const raw = (text: string) => run(text);

function intercomCompany(result: RecordResult): JsonObject {
  const company = valuesFor(result, "intercom")[0]?.company;
  if (!company || typeof company !== "object" || Array.isArray(company)) throw new Error("no Intercom company");
  return company as JsonObject;
}

describe("defect 1: large numeric ids keep their exact digits, and different objects never merge", () => {
  it("groupId 12345678901234567890 and 12345678901234567891 stay two objects with their own digits", () => {
    const a = customerioValue(raw('{"type":"group","groupId":12345678901234567890}'));
    const b = customerioValue(raw('{"type":"group","groupId":12345678901234567891}'));
    expect(a.identifiers).toMatchObject({ object_id: "12345678901234567890" });
    expect(b.identifiers).toMatchObject({ object_id: "12345678901234567891" });
    expect(raw('{"type":"group","groupId":12345678901234567891}').routed[0]?.key).toBe("1:12345678901234567891");
  });

  it("userId, anonymousId, messageId and objectId sent as numbers keep every digit", () => {
    const result = raw(
      '{"type":"group","groupId":"g","userId":9007199254740993,"messageId":123456789012345678901234567890}',
    );
    expect(valuesFor(result, "warehouse")[1]).toMatchObject({ user_id: "9007199254740993" });
    expect(customerioValue(result).message_id).toBe("123456789012345678901234567890");
    const anonymous = raw('{"type":"group","groupId":"g","anonymousId":-9007199254740993}');
    expect(valuesFor(anonymous, "warehouse")[1]).toMatchObject({ anonymous_id: "-9007199254740993" });
    const deletion = raw(
      '{"type":"track","event":"Delete Object","properties":{"objectId":98765432109876543210,"objectTypeId":2.0}}',
    );
    expect(customerioValue(deletion).identifiers).toEqual({ object_type_id: "2", object_id: "98765432109876543210" });
  });

  it("a number id that is not a whole number (1e-7, 1.5) is refused as invalid_id, never turned into text", () => {
    for (const id of ["1e-7", "1.5", "-0.25", "12345678901234567890.5"]) {
      const result = raw(`{"type":"group","groupId":${id}}`);
      expect(deadLetterCode(result)).toBe("invalid_id");
      expect(result.deadLetters[0]?.message).toContain(`${id} is not a whole number`);
    }
    expect(deadLetterCode(raw('{"type":"group","groupId":"g","userId":1.5}'))).toBe("invalid_id");
  });

  it("a whole number written with an exponent or a zero fraction is that whole number", () => {
    expect(customerioValue(raw('{"type":"group","groupId":1e21}')).identifiers).toMatchObject({
      object_id: "1000000000000000000000",
    });
    expect(customerioValue(raw('{"type":"group","groupId":7.0}')).identifiers).toMatchObject({ object_id: "7" });
  });
});

describe("defect 2: large or overflowing trait numbers travel exactly; an overflow never deletes the attribute", () => {
  const text =
    '{"type":"group","groupId":"g","traits":{"big":9007199254740993,"wide":12345678901234567890123,"revenue":1e400,"ratio":1.0,"tiny":1e-7,"neg":-0}}';
  const literal =
    '"big":9007199254740993,"wide":12345678901234567890123,"revenue":1e400,"ratio":1.0,"tiny":1e-7,"neg":-0';

  it("every destination's free-form traits carry the literal that was sent", () => {
    const result = raw(text);
    expect(JSON.stringify(customerioValue(result).attributes)).toContain(literal);
    expect(JSON.stringify(valuesFor(result, "mixpanel")[0]?.properties)).toContain(literal);
    expect(JSON.stringify(valuesFor(result, "amplitude")[0]?.group_properties)).toContain(literal);
    expect(JSON.stringify(valuesFor(result, "warehouse")[0]?.traits_json)).toContain(literal);
    expect(JSON.stringify(intercomCompany(result).custom_attributes)).toContain(literal);
    expect(JSON.stringify(valuesFor(result, "hubspot")[0]?.properties)).toContain(literal);
  });

  it("1e400 is never null anywhere (a null tells Customer.io to remove the attribute)", () => {
    const result = raw('{"type":"group","groupId":"g","traits":{"revenue":1e400}}');
    for (const record of result.routed) expect(JSON.stringify(record.value)).not.toContain('"revenue":null');
  });

  it("a typed field that cannot hold the value leaves it out with a value_dropped warning, never a changed value", () => {
    const result = raw('{"type":"group","groupId":"g","traits":{"employees":1e400}}');
    expect(intercomCompany(result).size).toBeNull();
    expect(valuesFor(result, "hubspot")[0]?.properties).not.toHaveProperty("numberofemployees");
    expect(valuesFor(result, "warehouse")[0]).toMatchObject({ employees: null });
    expect(warningCodesFor(result, "intercom")).toContain("value_dropped");
    expect(warningCodesFor(result, "hubspot")).toContain("value_dropped");
    expect(warningCodesFor(result, "warehouse")).toContain("value_dropped");
    const huge = raw('{"type":"group","groupId":"g","traits":{"employees":123456789012345678901}}');
    expect(intercomCompany(huge).size).toBeNull();
    expect(warningCodesFor(huge, "intercom")).toContain("value_dropped");
  });

  it("events whose numbers a double keeps exactly are parsed as before (plain numbers)", () => {
    const result = raw('{"type":"group","groupId":"g","traits":{"a":1.5,"b":-42,"c":0.000001,"d":123456789012345}}');
    expect(customerioValue(result).attributes).toEqual({ a: 1.5, b: -42, c: 0.000001, d: 123456789012345 });
  });
});

describe("defect 3: dedupe only suppresses delivery to destinations that received the messageId", () => {
  const oversized = "x".repeat(1200); // over Customer.io's 1000-byte attribute limit

  it("with only Customer.io enabled, a corrected resend of a destination_limit refusal is routed", () => {
    const target = pipeline({ destinations: { enabled: ["customerio"] } });
    const refused = run(group({ messageId: "m1", traits: { note: oversized } }), target);
    expect(deadLetterCode(refused)).toBe("destination_limit");
    const corrected = run(group({ messageId: "m1", traits: { note: "short" } }), target);
    expect(corrected.outcome).toBe("routed");
    expect(customerioValue(corrected).attributes).toEqual({ note: "short" });
    expect(run(group({ messageId: "m1", traits: { note: "short" } }), target).skipped[0]?.reason).toBe("duplicate");
  });

  it("with every destination on, the corrected resend reaches Customer.io and only Customer.io", () => {
    const target = pipeline();
    const first = run(group({ messageId: "m2", traits: { note: oversized } }), target);
    expect(first.routed.some((r) => r.destination === "customerio")).toBe(false);
    const resend = run(group({ messageId: "m2", traits: { note: "short" } }), target);
    expect(resend.outcome).toBe("routed");
    expect(new Set(resend.routed.map((r) => r.destination))).toEqual(new Set(["customerio"]));
    const duplicates = resend.skipped.filter((s) => s.reason === "duplicate").map((s) => s.destination);
    expect(new Set(duplicates)).toEqual(new Set(["mixpanel", "intercom", "hubspot", "amplitude", "warehouse"]));
  });

  it("an event skipped as no_destination is not remembered: the same messageId with destinations is routed", () => {
    const target = pipeline();
    expect(run(group({ messageId: "m3", integrations: { All: false } }), target).skipped[0]?.reason).toBe(
      "no_destination",
    );
    expect(run(group({ messageId: "m3" }), target).outcome).toBe("routed");
  });

  it("a resend with other integrations reaches the destinations the first copy did not", () => {
    const target = pipeline();
    run(group({ messageId: "m4", integrations: { All: false, "Customer.io": true } }), target);
    const second = run(group({ messageId: "m4" }), target);
    expect(second.routed.map((r) => r.destination)).not.toContain("customerio");
    expect(second.routed.map((r) => r.destination)).toContain("mixpanel");
  });

  it("a repeat that brings nothing new is one duplicate, even when a destination does not support it", () => {
    const target = pipeline();
    const deletion = track({ event: "Delete Object", messageId: "m5", properties: { objectId: "o" } });
    expect(run(deletion, target).outcome).toBe("routed");
    const again = run(deletion, target);
    expect(again.outcome).toBe("skipped");
    expect(again.skipped).toEqual([{ reason: "duplicate", message: "messageId m5 was already routed" }]);
  });
});

describe("defect 4: warehouse membership keys are unambiguous for any ids", () => {
  it("user a:user:b in g1 and user b in g1:user:a get different keys", () => {
    const key = (groupId: string, userId: string) =>
      run(group({ groupId, userId })).routed.find((r) => r.topic === "cdp.dest.warehouse.memberships")?.key;
    expect(key("g1", "a:user:b")).toBe("1:g1:user:a%3Auser%3Ab");
    expect(key("g1:user:a", "b")).toBe("1:g1%3Auser%3Aa:user:b");
    expect(key("g%3A", "u")).toBe("1:g%253A:user:u");
    expect(key("plain", "u-1")).toBe("1:plain:user:u-1");
  });

  it("a Delete Relationship tombstone names exactly the membership it deletes", () => {
    const tombstone = run(
      track({ event: "Delete Relationship", userId: "b", properties: { objectId: "g1:user:a" } }),
    ).routed.filter((r) => r.topic === "cdp.dest.warehouse.memberships");
    expect(tombstone.map((r) => r.key)).toEqual(["1:g1%3Auser%3Aa:user:b", "1:g1%3Auser%3Aa:user:b"]);
    expect(tombstone[1]?.value).toBeNull();
  });
});

describe("defect 5: HubSpot maps non-ASCII trait names to a deterministic ASCII name, never drops one", () => {
  const hubspot = (traits: JsonObject) => run(group({ traits }));

  it("accents are taken off, letters without an ASCII form get a stable hash, nothing is dropped", () => {
    const result = hubspot({ 名前: "株式会社", Größe: "groß", "🏢": "🏢", Čísla: 3 });
    const properties = valuesFor(result, "hubspot")[0]?.properties as JsonObject;
    expect(properties.grosse).toBe("groß");
    expect(properties.cisla).toBe(3);
    const hashed = Object.keys(properties).filter((name) => /^p_[0-9a-f]{8}$/.test(name));
    expect(hashed).toHaveLength(2);
    expect(hashed.map((name) => properties[name]).sort()).toEqual(["株式会社", "🏢"].sort());
    for (const name of Object.keys(properties)) expect(name).toMatch(/^[a-z0-9_]+$/);
    expect(warningCodesFor(result, "hubspot").filter((c) => c === "property_renamed")).toHaveLength(2);
  });

  it("the same trait name always maps to the same property name", () => {
    const once = Object.keys(valuesFor(hubspot({ 名前: 1 }), "hubspot")[0]?.properties as JsonObject);
    const again = Object.keys(valuesFor(hubspot({ 名前: 2 }), "hubspot")[0]?.properties as JsonObject);
    expect(once).toEqual(again);
  });

  it("two traits landing on one property name keep the first and warn trait_conflict, naming both", () => {
    const result = hubspot({ totalBilled: 1, total_billed: 2 });
    expect(valuesFor(result, "hubspot")[0]?.properties).toMatchObject({ total_billed: 1 });
    const warning = result.routed.find((r) => r.destination === "hubspot")?.warnings?.[0];
    expect(warning?.code).toBe("trait_conflict");
    expect(warning?.message).toContain('"total_billed" and "totalBilled"');
  });

  it("a name of punctuation only is hashed, not skipped", () => {
    const properties = valuesFor(hubspot({ "!!!": "x" }), "hubspot")[0]?.properties as JsonObject;
    expect(Object.values(properties)).toContain("x");
  });
});

describe("defect 6: userId cio_ alone is an ordinary id, never an empty cio_id", () => {
  it("relates {id: 'cio_'}", () => {
    expect(customerioValue(run(group({ userId: "cio_" }))).cio_relationships).toEqual([
      { identifiers: { id: "cio_" }, relationship_attributes: null },
    ]);
    expect(customerioValue(run(group({ userId: "cio_42" }))).cio_relationships).toEqual([
      { identifiers: { cio_id: "42" }, relationship_attributes: null },
    ]);
  });
});

describe("defect 7: objectTypeId is validated by its value, not its length", () => {
  it("00000000007 is 7, like 007; values outside 1..2147483647 are refused whatever their spelling", () => {
    const type = (objectTypeId: string) => run(group({ objectTypeId })).routed[0]?.key;
    expect(type("00000000007")).toBe("7:acme");
    expect(type("007")).toBe("7:acme");
    expect(type("0000000000002147483647")).toBe("2147483647:acme");
    expect(deadLetterCode(run(group({ objectTypeId: "00000000000" })))).toBe("invalid_object_type_id");
    expect(deadLetterCode(run(group({ objectTypeId: "0002147483648" })))).toBe("invalid_object_type_id");
    expect(deadLetterCode(raw('{"type":"group","groupId":"g","objectTypeId":1e400}'))).toBe("invalid_object_type_id");
  });
});

describe("defect 8: createdAt null clears the attribute where the destination can clear it", () => {
  it("Customer.io created_at: null and Mixpanel $created: null", () => {
    const result = run(group({ traits: { createdAt: null } }));
    expect(customerioValue(result).attributes).toEqual({ created_at: null });
    expect(valuesFor(result, "mixpanel")[0]?.properties).toEqual({ $created: null });
  });
});

describe("defect 9: Mixpanel $name does not depend on key order", () => {
  it("the name trait wins over $name in either order, with a trait_conflict warning", () => {
    const nameFirst = run(group({ traits: { name: "Trait", $name: "Dollar" } }));
    const dollarFirst = raw('{"type":"group","groupId":"g","traits":{"$name":"Dollar","name":"Trait"}}');
    for (const result of [nameFirst, dollarFirst]) {
      expect(valuesFor(result, "mixpanel")[0]?.properties).toEqual({ $name: "Trait" });
      expect(warningCodesFor(result, "mixpanel")).toContain("trait_conflict");
    }
    expect(valuesFor(run(group({ traits: { $name: "Only" } })), "mixpanel")[0]?.properties).toEqual({
      $name: "Only",
    });
  });
});

describe("defect 10: HubSpot domain from a protocol-relative website", () => {
  it("//www.acme.com/x gives acme.com", () => {
    expect(valuesFor(run(group({ traits: { website: "//www.acme.com/x" } })), "hubspot")[0]?.properties).toMatchObject({
      domain: "acme.com",
    });
  });
});

describe("defect 11: each destination's record carries its own warnings only", () => {
  it("an Intercom array_dropped and a HubSpot trait_conflict stay off the Customer.io record; the summary counts all", () => {
    const result = run(group({ traits: { tags: ["a"], totalBilled: 1, total_billed: 2 } }));
    expect(warningCodesFor(result, "customerio")).toEqual([]);
    expect(warningCodesFor(result, "intercom")).toEqual(["array_dropped"]);
    expect(warningCodesFor(result, "hubspot")).toEqual(["trait_conflict"]);
    expect(warningCodes(result).sort()).toEqual(["array_dropped", "trait_conflict"]);
  });
});

describe("defect 12: Intercom monthly_spend is truncated, as Intercom does", () => {
  it("1234.56 gives 1234, -5.9 gives -5", () => {
    const spend = (monthlySpend: number) => intercomCompany(run(group({ traits: { monthlySpend } }))).monthly_spend;
    expect(spend(1234.56)).toBe(1234);
    expect(spend(155.98)).toBe(155);
    expect(spend(-5.9)).toBe(-5);
  });
});

describe("defect 13: ids with lone UTF-16 surrogates are refused", () => {
  it("\\ud800 in a groupId, userId or objectId is invalid_id: UTF-8 would make two ids one", () => {
    expect(deadLetterCode(raw('{"type":"group","groupId":"g\\ud800"}'))).toBe("invalid_id");
    expect(deadLetterCode(raw('{"type":"group","groupId":"g","userId":"\\udfff"}'))).toBe("invalid_id");
    expect(deadLetterCode(raw('{"type":"track","event":"Delete Object","properties":{"objectId":"o\\ud800"}}'))).toBe(
      "invalid_id",
    );
    // A well-formed pair written as escapes is one character and fine.
    expect(customerioValue(raw('{"type":"group","groupId":"\\ud83c\\udfe2"}')).identifiers).toMatchObject({
      object_id: "🏢",
    });
  });
});

describe("decided where the contract is silent", () => {
  it("Segment's integration names (Customer.io (Actions), Mixpanel (Actions), Warehouses) name our destinations", () => {
    const only = (integrations: JsonObject) =>
      new Set(run(group({ integrations: { All: false, ...integrations } })).routed.map((r) => r.destination));
    expect(only({ "Customer.io (Actions)": true })).toEqual(new Set(["customerio"]));
    expect(only({ "mixpanel (actions)": true })).toEqual(new Set(["mixpanel"]));
    expect(only({ Warehouses: true })).toEqual(new Set(["warehouse"]));
    const without = new Set(
      run(group({ integrations: { "Customer.io (Actions)": false } })).routed.map((r) => r.destination),
    );
    expect(without.has("customerio")).toBe(false);
  });

  it('integration values other than a boolean: "false" and 0 disable, null is no entry, others enable; each warns', () => {
    const routedTo = (value: unknown) => {
      const result = run(group({ integrations: { Mixpanel: value as JsonObject } }));
      return { to: result.routed.some((r) => r.destination === "mixpanel"), warnings: warningCodes(result) };
    };
    expect(routedTo("false")).toEqual({ to: false, warnings: ["invalid_integration_setting"] });
    expect(routedTo(0)).toEqual({ to: false, warnings: ["invalid_integration_setting"] });
    expect(routedTo(null)).toEqual({ to: true, warnings: ["invalid_integration_setting"] });
    expect(routedTo("yes")).toEqual({ to: true, warnings: ["invalid_integration_setting"] });
    expect(routedTo({ apiKey: "x" })).toEqual({ to: true, warnings: [] });
  });

  it("Customer.io's limits hold for relationship attributes and the person's identifiers too", () => {
    const longAttribute = run(group({ traits: { relationshipAttributes: { role: "r".repeat(1500) } } }));
    expect(longAttribute.deadLetters.find((d) => d.destination === "customerio")?.message).toContain(
      "relationship attribute",
    );
    const longId = run(group({ userId: "u".repeat(200) }));
    expect(longId.deadLetters.find((d) => d.destination === "customerio")?.message).toContain("over 150 bytes");
    expect(longId.routed.some((r) => r.destination === "mixpanel")).toBe(true);
  });

  it("an Intercom name or plan that is a number is sent as text; an object or array is left out with a warning", () => {
    const company = (traits: JsonObject) => {
      const result = run(group({ traits }));
      return {
        company: valuesFor(result, "intercom")[0]?.company as JsonObject,
        warnings: warningCodesFor(result, "intercom"),
      };
    };
    expect(company({ name: 42, plan: true }).company).toMatchObject({ name: "42", plan: "true" });
    const object = company({ name: { first: "A" }, plan: ["p"] });
    expect(object.company).toMatchObject({ name: null, plan: null });
    expect(object.warnings.filter((c) => c === "value_dropped")).toHaveLength(2);
  });

  it("a negative employees count gives no Intercom size (and no HubSpot numberofemployees), with a warning", () => {
    const result = run(group({ traits: { employees: -5 } }));
    expect(intercomCompany(result).size).toBeNull();
    expect(valuesFor(result, "hubspot")[0]?.properties).not.toHaveProperty("numberofemployees");
    expect(warningCodesFor(result, "intercom")).toContain("value_dropped");
  });
});

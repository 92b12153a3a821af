import { describe, expect, it } from "vitest";
import { customerioValue, group, run } from "../../support/events.js";

// destinations.md, section 5: customerio (Track API v2 entity, type "object").

describe("customerio: group -> identify", () => {
  it("writes the entity to cdp.dest.customerio keyed <objectTypeId>:<objectId>", () => {
    const [record] = run(group({ groupId: "0e8c78ea", traits: { objectTypeId: 2 } })).routed;
    expect(record?.topic).toBe("cdp.dest.customerio");
    expect(record?.key).toBe("2:0e8c78ea");
  });

  it("is an object entity with identifiers {object_type_id, object_id}", () => {
    expect(customerioValue(run(group()))).toMatchObject({
      type: "object",
      action: "identify",
      identifiers: { object_type_id: "1", object_id: "acme" },
    });
  });

  it("uses identify_anonymous when only an anonymousId is known, identify without any person", () => {
    expect(customerioValue(run({ type: "group", groupId: "g", anonymousId: "a" })).action).toBe("identify_anonymous");
    expect(customerioValue(run({ type: "group", groupId: "g", anonymousId: "a", userId: "u" })).action).toBe(
      "identify",
    );
    expect(customerioValue(run({ type: "group", groupId: "g" })).action).toBe("identify");
  });

  it("relates the person by cio_id (prefix removed), email, id or anonymous_id", () => {
    const relationships = (fields: object) =>
      customerioValue(run({ type: "group", groupId: "g", ...fields })).cio_relationships;
    expect(relationships({ userId: "cio_03000001" })).toEqual([
      { identifiers: { cio_id: "03000001" }, relationship_attributes: null },
    ]);
    expect(relationships({ userId: "wile@acme.com" })).toEqual([
      { identifiers: { email: "wile@acme.com" }, relationship_attributes: null },
    ]);
    expect(relationships({ userId: "wileecoyote" })).toEqual([
      { identifiers: { id: "wileecoyote" }, relationship_attributes: null },
    ]);
    expect(relationships({ anonymousId: "507f191e" })).toEqual([
      { identifiers: { anonymous_id: "507f191e" }, relationship_attributes: null },
    ]);
    expect(relationships({})).toEqual([]);
  });

  it("carries message_id, event_time, received_at and the record's provenance", () => {
    const value = customerioValue(run(group({ messageId: "m-1", timestamp: "2015-02-23T22:28:55.111Z" })));
    expect(value).toMatchObject({
      message_id: "m-1",
      event_time: Date.UTC(2015, 1, 23, 22, 28, 55, 111),
      source_topic: "cdp.raw.group",
      source_partition: 0,
    });
    expect(typeof value.source_offset).toBe("number");
    expect(customerioValue(run(group())).message_id).toBeNull();
  });

  it("keeps null attribute values: a null tells Customer.io to remove the attribute", () => {
    expect(customerioValue(run(group({ traits: { plan: null } }))).attributes).toEqual({ plan: null });
  });
});

describe("customerio: limits, checked before a record is emitted", () => {
  const refused = (fields: object) => {
    const result = run(group(fields as never));
    return { result, deadLetter: result.deadLetters.find((d) => d.destination === "customerio") };
  };

  it("refuses an object id over 150 bytes with destination_limit, for Customer.io only", () => {
    const { result, deadLetter } = refused({ groupId: "é".repeat(76) });
    expect(deadLetter).toMatchObject({ code: "destination_limit", stage: "destination" });
    expect(result.outcome).toBe("routed");
    expect(result.routed.some((r) => r.destination === "customerio")).toBe(false);
    expect(result.routed.some((r) => r.destination === "mixpanel")).toBe(true);
    expect(refused({ groupId: "x".repeat(150) }).deadLetter).toBeUndefined();
  });

  it("refuses attribute names over 150 bytes and values over 1000 bytes", () => {
    expect(refused({ traits: { ["n".repeat(151)]: 1 } }).deadLetter?.message).toMatch(/attribute name/);
    expect(refused({ traits: { note: "x".repeat(1001) } }).deadLetter?.message).toMatch(/"note" is 1001 bytes/);
    expect(refused({ traits: { note: "x".repeat(1000) } }).deadLetter).toBeUndefined();
    expect(refused({ traits: { nested: { list: "y".repeat(1000) } } }).deadLetter?.code).toBe("destination_limit");
  });

  it("refuses more than 300 attributes", () => {
    const traits = Object.fromEntries(Array.from({ length: 301 }, (_, i) => [`a${i}`, i]));
    expect(refused({ traits }).deadLetter?.message).toMatch(/301 attributes/);
    delete (traits as Record<string, number>).a300;
    expect(refused({ traits }).deadLetter).toBeUndefined();
  });

  it("refuses a whole entity over 32 KB", () => {
    const traits = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`a${i}`, "z".repeat(900)]));
    expect(refused({ traits }).deadLetter?.message).toMatch(/entity is \d+ bytes/);
  });

  it("dead-letters the event as a whole only when no destination takes it", () => {
    const only = run(group({ groupId: "x".repeat(151), integrations: { All: false, "Customer.io": true } }));
    expect(only.outcome).toBe("dead_letter");
    expect(only.deadLetters[0]).toMatchObject({ code: "destination_limit", destination: "customerio" });
  });
});

describe("customerio: the whole-entity check is skipped only where it cannot fail", () => {
  it("numbers keep the literal they were sent as, so they never make the entity larger than the event", () => {
    // 9e20 is 4 raw bytes; as a double it would print as 21 digits. 40 attributes of 40 such
    // numbers are about 8 KB raw: the entity stays about 8 KB and is routed.
    const list = `[${Array.from({ length: 40 }, () => "9e20").join(",")}]`;
    const traits = Array.from({ length: 40 }, (_, i) => `"a${i}":${list}`).join(",");
    const raw = `{"type":"group","groupId":"g","traits":{${traits}}}`;
    expect(raw.length).toBeLessThan(9000);
    const result = run(raw);
    expect(result.deadLetters).toEqual([]);
    expect(JSON.stringify(customerioValue(result).attributes)).toContain("[9e20,9e20");
  });
});

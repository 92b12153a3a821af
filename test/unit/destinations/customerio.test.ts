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

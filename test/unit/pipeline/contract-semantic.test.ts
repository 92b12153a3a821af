import { describe, expect, it } from "vitest";
import { semanticKind } from "../../../src/pipeline/semantic.js";
import { customerioValue, deadLetterCode, run, track } from "../../support/events.js";

// destinations.md, section 3: Semantic events (track).

describe("Semantic events: names match case-insensitively, surrounding and double spaces ignored", () => {
  it("knows Delete Object and its alias Object Deleted", () => {
    for (const name of ["Delete Object", "delete object", "  DELETE   OBJECT ", "Object Deleted", "object\tdeleted"]) {
      expect(semanticKind(name)).toBe("delete_object");
    }
  });

  it("knows Delete Relationship and its alias Relationship Deleted", () => {
    for (const name of [
      "Delete Relationship",
      "delete  relationship",
      "Relationship Deleted",
      " RELATIONSHIP DELETED",
    ]) {
      expect(semanticKind(name)).toBe("delete_relationship");
    }
  });

  it("treats every other name as not semantic", () => {
    for (const name of ["Delete Objects", "DeleteObject", "Object Delete", "Order Completed", "delete_object"]) {
      expect(semanticKind(name)).toBeUndefined();
    }
    expect(run(track({ event: "Order Completed" })).skipped[0]?.reason).toBe("not_semantic");
  });
});

describe("Delete Object: requires properties.objectId (any casing)", () => {
  it("deletes the object of type objectTypeId, default 1", () => {
    const result = run(track({ event: "Delete Object", properties: { objectId: "0e8c78ea" } }));
    expect(result.routed[0]?.key).toBe("1:0e8c78ea");
    expect(customerioValue(result)).toMatchObject({
      action: "delete",
      identifiers: { object_type_id: "1", object_id: "0e8c78ea" },
    });
  });

  it("reads objectId and objectTypeId in any spelling", () => {
    const result = run(track({ event: "Object Deleted", properties: { object_id: 42, "Object-Type-Id": "2" } }));
    expect(result.routed[0]?.key).toBe("2:42");
  });

  it("does not need a person", () => {
    expect(run({ type: "track", event: "Delete Object", properties: { objectId: "a" } }).outcome).toBe("routed");
  });

  it("dead-letters a missing or empty objectId as missing_object_id", () => {
    expect(deadLetterCode(run(track({ event: "Delete Object", properties: {} })))).toBe("missing_object_id");
    expect(deadLetterCode(run(track({ event: "Delete Object", properties: { objectId: " " } })))).toBe(
      "missing_object_id",
    );
    expect(deadLetterCode(run(track({ event: "Delete Object" })))).toBe("missing_object_id");
    expect(deadLetterCode(run(track({ event: "Delete Object", properties: null })))).toBe("missing_object_id");
  });

  it("dead-letters properties that are not an object, and an objectId of the wrong type", () => {
    expect(deadLetterCode(run(track({ event: "Delete Object", properties: "x" })))).toBe("invalid_properties");
    expect(deadLetterCode(run(track({ event: "Delete Object", properties: { objectId: {} } })))).toBe("invalid_id");
  });

  it("dead-letters an invalid properties.objectTypeId", () => {
    const result = run(track({ event: "Delete Object", properties: { objectId: "a", objectTypeId: "two" } }));
    expect(deadLetterCode(result)).toBe("invalid_object_type_id");
  });
});

describe("Delete Relationship: requires properties.objectId and userId or anonymousId", () => {
  it("deletes the relationship between that person and the object", () => {
    const result = run(
      track({
        event: "Delete Relationship",
        userId: "wileecoyote",
        properties: { objectId: "0e8c78ea", objectTypeId: 2 },
      }),
    );
    expect(customerioValue(result)).toMatchObject({
      action: "delete_relationships",
      identifiers: { object_type_id: "2", object_id: "0e8c78ea" },
      cio_relationships: [{ identifiers: { id: "wileecoyote" }, relationship_attributes: null }],
    });
  });

  it("accepts an anonymousId alone", () => {
    const result = run({
      type: "track",
      event: "Delete Relationship",
      anonymousId: "anon",
      properties: { objectId: "o" },
    });
    expect(customerioValue(result).cio_relationships).toEqual([
      { identifiers: { anonymous_id: "anon" }, relationship_attributes: null },
    ]);
  });

  it("dead-letters a call without a person as missing_user", () => {
    expect(deadLetterCode(run({ type: "track", event: "Delete Relationship", properties: { objectId: "o" } }))).toBe(
      "missing_user",
    );
    expect(
      deadLetterCode(run({ type: "track", event: "Delete Relationship", userId: "", properties: { objectId: "o" } })),
    ).toBe("missing_user");
  });

  it("checks objectId before the person", () => {
    expect(deadLetterCode(run({ type: "track", event: "Delete Relationship", properties: {} }))).toBe(
      "missing_object_id",
    );
  });
});

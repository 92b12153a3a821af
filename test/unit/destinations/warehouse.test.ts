import { describe, expect, it } from "vitest";
import { group, run, track } from "../../support/events.js";

// destinations.md, section 5: warehouse (groups and memberships, upsert by key).

const records = (payload: object) => run(payload as never).routed.filter((r) => r.destination === "warehouse");

describe("warehouse: groups", () => {
  it("has typed nullable columns per reserved trait, address flattened, created_at in ms, all traits as JSON", () => {
    const [row] = records(
      group({
        traits: {
          name: "Acme",
          employees: "329",
          created_at: "2021-01-01",
          address: { city: "Oslo", postal_code: 150 },
          custom: [1],
        },
      }),
    );
    expect(row?.topic).toBe("cdp.dest.warehouse.groups");
    expect(row?.key).toBe("1:acme");
    expect(row?.value).toMatchObject({
      object_type_id: "1",
      object_id: "acme",
      object_type_name: "company",
      name: "Acme",
      email: null,
      employees: 329,
      created_at: Date.UTC(2021, 0, 1),
      address_city: "Oslo",
      address_postal_code: "150",
      address_street: null,
      traits_json: {
        name: "Acme",
        employees: "329",
        createdAt: "2021-01-01",
        address: { city: "Oslo", postalCode: 150 },
        custom: [1],
      },
      deleted: false,
    });
  });

  it("Delete Object: a deleted row, then a tombstone for the same key", () => {
    const rows = records(track({ event: "Delete Object", properties: { objectId: "acme" } }));
    expect(rows.map((r) => [r.topic, r.key])).toEqual([
      ["cdp.dest.warehouse.groups", "1:acme"],
      ["cdp.dest.warehouse.groups", "1:acme"],
    ]);
    expect(rows[0]?.value).toMatchObject({ deleted: true, traits_json: null });
    expect(rows[1]?.value).toBeNull();
  });
});

describe("warehouse: memberships", () => {
  it("has object_type_id, object_id, user_id, anonymous_id, relationship attributes as JSON; the key adds the person", () => {
    const rows = records(group({ anonymousId: "anon", traits: { relationshipAttributes: { role: "admin" } } }));
    expect(rows[1]?.topic).toBe("cdp.dest.warehouse.memberships");
    expect(rows[1]?.key).toBe("1:acme:user:user-1");
    expect(rows[1]?.value).toMatchObject({
      user_id: "user-1",
      anonymous_id: "anon",
      relationship_attributes: { role: "admin" },
      deleted: false,
    });
    expect(records({ type: "group", groupId: "g", anonymousId: "a" })[1]?.key).toBe("1:g:anonymous:a");
    expect(records({ type: "group", groupId: "g" })).toHaveLength(1);
  });

  it("Delete Relationship: deleted = true, then a tombstone", () => {
    const rows = records(track({ event: "Delete Relationship", properties: { objectId: "acme" } }));
    expect(rows.map((r) => r.key)).toEqual(["1:acme:user:user-1", "1:acme:user:user-1"]);
    expect(rows[0]?.value).toMatchObject({ deleted: true });
    expect(rows[1]?.value).toBeNull();
  });
});

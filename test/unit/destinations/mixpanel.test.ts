import { describe, expect, it } from "vitest";
import { group, pipeline, run, track, valuesFor } from "../../support/events.js";

// destinations.md, section 5: mixpanel (group profiles).

describe("mixpanel: group -> group profile $set", () => {
  it("sets the traits on the group profile, keyed by the object type's name, name as $name, createdAt as $created", () => {
    const [profile] = valuesFor(
      run(group({ traits: { name: "Acme", created_at: 1424730535, plan: "pro" } })),
      "mixpanel",
    );
    expect(profile).toMatchObject({
      profile: "group",
      operation: "$set",
      group_key: "company",
      group_id: "acme",
      distinct_id: null,
      properties: { $name: "Acme", plan: "pro", $created: "2015-02-23T22:28:55.000Z" },
    });
  });

  it("$unions the group into the user's list when a userId is known, never $set", () => {
    const values = valuesFor(run(group()), "mixpanel");
    expect(values[1]).toMatchObject({
      profile: "user",
      operation: "$union",
      distinct_id: "user-1",
      properties: { company: ["acme"] },
    });
    expect(valuesFor(run({ type: "group", groupId: "g", anonymousId: "a" }), "mixpanel")).toHaveLength(1);
  });

  it("uses the configured group key for an objectTypeId", () => {
    const configured = pipeline({ destinations: { mixpanel: { groupKeys: { "2": "school_id" } } } });
    const values = valuesFor(run(group({ traits: { objectTypeId: 2 } }), configured), "mixpanel");
    expect(values.map((v) => v?.group_key)).toEqual(["school_id", "school_id"]);
    expect(values[1]?.properties).toEqual({ school_id: ["acme"] });
  });
});

describe("mixpanel: deletions", () => {
  it("Delete Object -> group profile $delete", () => {
    const [value] = valuesFor(run(track({ event: "Delete Object", properties: { objectId: "acme" } })), "mixpanel");
    expect(value).toMatchObject({
      profile: "group",
      operation: "$delete",
      group_key: "company",
      group_id: "acme",
      properties: null,
    });
  });

  it("Delete Relationship -> user profile $remove", () => {
    const [value] = valuesFor(
      run(track({ event: "Delete Relationship", properties: { objectId: "acme" } })),
      "mixpanel",
    );
    expect(value).toMatchObject({
      profile: "user",
      operation: "$remove",
      distinct_id: "user-1",
      properties: { company: "acme" },
    });
  });

  it("skips a Delete Relationship of an anonymous person as unsupported_by_destination", () => {
    const result = run({
      type: "track",
      event: "Delete Relationship",
      anonymousId: "a",
      properties: { objectId: "o" },
    });
    expect(result.skipped).toContainEqual(
      expect.objectContaining({ reason: "unsupported_by_destination", destination: "mixpanel" }),
    );
  });
});

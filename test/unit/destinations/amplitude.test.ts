import { describe, expect, it } from "vitest";
import { group, run, track, valuesFor } from "../../support/events.js";

// destinations.md, section 5: amplitude (group identify).

describe("amplitude: group -> group identify", () => {
  it("sets the traits under $set on group_type = object type name, group_value = groupId, with insert_id and time in ms", () => {
    const [identify] = valuesFor(
      run(group({ messageId: "m1", timestamp: "2015-02-23T22:28:55.111Z", traits: { plan: "pro" } })),
      "amplitude",
    );
    expect(identify).toMatchObject({
      operation: "group_identify",
      group_type: "company",
      group_value: "acme",
      group_properties: { $set: { plan: "pro" } },
      insert_id: "m1",
      time: 1424730535111,
    });
  });

  it("assigns the group to the user: user_id, else device_id from the anonymousId", () => {
    expect(valuesFor(run(group()), "amplitude")[1]).toMatchObject({
      operation: "user_groups",
      user_id: "user-1",
      device_id: null,
      groups: { company: "acme" },
    });
    expect(valuesFor(run({ type: "group", groupId: "g", anonymousId: "a" }), "amplitude")[1]).toMatchObject({
      user_id: null,
      device_id: "a",
    });
    expect(valuesFor(run({ type: "group", groupId: "g" }), "amplitude")).toHaveLength(1);
  });
});

describe("amplitude: deletions are unsupported_by_destination", () => {
  it("skips Delete Object and Delete Relationship for Amplitude only, counted, not an error", () => {
    for (const event of ["Delete Object", "Delete Relationship"]) {
      const result = run(track({ event, properties: { objectId: "a" } }));
      expect(result.outcome).toBe("routed");
      expect(result.skipped).toEqual([
        expect.objectContaining({ reason: "unsupported_by_destination", destination: "amplitude" }),
      ]);
      expect(result.deadLetters).toEqual([]);
    }
  });
});

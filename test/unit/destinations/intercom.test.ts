import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../../src/events/json.js";
import { group, run, track, valuesFor, warningCodes } from "../../support/events.js";

// destinations.md, section 5: intercom (companies).

const upsert = (traits: JsonObject, fields: JsonObject = {}) =>
  valuesFor(run(group({ traits, ...fields })), "intercom")[0];

describe("intercom: group -> company upsert", () => {
  it("maps company_id, name, plan, website, industry", () => {
    expect(upsert({ name: "Acme", plan: "pro", website: "https://acme.com", industry: "Tech" })).toMatchObject({
      operation: "upsert",
      company_id: "acme",
      company: { name: "Acme", plan: "pro", website: "https://acme.com", industry: "Tech" },
    });
  });

  it("converts createdAt to remote_created_at in whole Unix seconds", () => {
    expect(upsert({ createdAt: "2015-02-23T22:28:55.999Z" })?.company).toMatchObject({ remote_created_at: 1424730535 });
  });

  it("makes size an integer from employees, and monthly_spend from monthlySpend in any spelling (fractions truncated, as Intercom does)", () => {
    expect(upsert({ employees: "329", monthly_spend: 99.6 })?.company).toMatchObject({ size: 329, monthly_spend: 99 });
    expect(upsert({ employees: 12.4, MonthlySpend: "7" })?.company).toMatchObject({ size: 12, monthly_spend: 7 });
    expect(upsert({ employees: "lots" })?.company).toMatchObject({ size: null });
    // Beyond what an Avro long written by avsc can hold: null here, the trait itself is kept elsewhere.
    expect(upsert({ employees: 9007199254740991 })?.company).toMatchObject({ size: null });
    expect(upsert({ employees: 9007199254740990 })?.company).toMatchObject({ size: 9007199254740990 });
  });

  it("flattens nested objects into custom_attributes with _, and drops arrays with array_dropped", () => {
    const result = run(group({ traits: { address: { city: "Oslo", geo: { lat: 59.9 } }, tags: ["a"], tier: 2 } }));
    const company = valuesFor(result, "intercom")[0]?.company as JsonObject | undefined;
    expect(company?.custom_attributes).toEqual({
      address_city: "Oslo",
      address_geo_lat: 59.9,
      tier: 2,
    });
    expect(warningCodes(result)).toContain("array_dropped");
  });

  it("attaches the contact: external_id = userId, email when it looks like one", () => {
    expect(upsert({}, { userId: "wile@acme.com" })?.contact).toEqual({
      external_id: "wile@acme.com",
      email: "wile@acme.com",
    });
    expect(upsert({}, { userId: "u1" })?.contact).toEqual({ external_id: "u1", email: null });
    expect(valuesFor(run({ type: "group", groupId: "g" }), "intercom")[0]?.contact).toBeNull();
  });
});

describe("intercom: deletions", () => {
  it("Delete Object -> company delete", () => {
    expect(
      valuesFor(run(track({ event: "Delete Object", properties: { objectId: "acme" } })), "intercom")[0],
    ).toMatchObject({
      operation: "delete",
      company_id: "acme",
      company: null,
    });
  });

  it("Delete Relationship -> detach the contact", () => {
    expect(
      valuesFor(run(track({ event: "Delete Relationship", properties: { objectId: "acme" } })), "intercom")[0],
    ).toMatchObject({
      operation: "detach",
      contact: { external_id: "user-1" },
    });
  });
});

import { describe, expect, it } from "vitest";
import { domainOf, snakeCase } from "../../../src/destinations/values.js";
import type { JsonObject } from "../../../src/events/json.js";
import { group, pipeline, run, track, valuesFor } from "../../support/events.js";

// destinations.md, section 5: hubspot (companies).

const properties = (traits: JsonObject, target = pipeline()) =>
  valuesFor(run(group({ traits }), target), "hubspot")[0]?.properties as Record<string, unknown>;

describe("hubspot: group -> company upsert keyed by a unique id property", () => {
  it("keys the upsert by cdp_group_id = groupId, or the configured property", () => {
    expect(valuesFor(run(group()), "hubspot")[0]).toMatchObject({
      operation: "upsert",
      id_property: "cdp_group_id",
      id_value: "acme",
    });
    expect(properties({}).cdp_group_id).toBe("acme");
    const custom = pipeline({ destinations: { hubspot: { idProperty: "segment_group_id" } } });
    expect(properties({}, custom).segment_group_id).toBe("acme");
  });

  it("maps name, description, phone, industry and the address fields", () => {
    expect(
      properties({
        name: "Acme",
        description: "d",
        phone: "+47",
        industry: "Tech",
        address: { street: "1 Main", city: "Oslo", state: "-", postal_code: "0150", country: "NO" },
      }),
    ).toMatchObject({
      name: "Acme",
      description: "d",
      phone: "+47",
      industry: "Tech",
      address: "1 Main",
      city: "Oslo",
      state: "-",
      zip: "0150",
      country: "NO",
    });
  });

  it("makes domain the host of website: no scheme, path, port or leading www., lower case", () => {
    expect(properties({ website: "https://www.Acme.com:8443/about?x=1" }).domain).toBe("acme.com");
    expect(domainOf("acme.io")).toBe("acme.io");
    expect(domainOf("http://user:pw@WWW.shop.acme.co.uk/")).toBe("shop.acme.co.uk");
    expect(domainOf("")).toBeNull();
  });

  it("makes numberofemployees an integer", () => {
    expect(properties({ employees: "329" }).numberofemployees).toBe(329);
  });

  it("writes other traits as lower-case snake_case, arrays joined with ;, objects as JSON text, nulls dropped", () => {
    expect(
      properties({ totalBilled: 830, "Seat Count": 3, tags: ["a", "b"], meta: { x: 1 }, gone: null, plan: "pro" }),
    ).toMatchObject({
      total_billed: 830,
      seat_count: 3,
      tags: "a;b",
      meta: '{"x":1}',
      plan: "pro",
    });
    expect(properties({ gone: null, name: null })).not.toHaveProperty("gone");
    expect(properties({ name: null })).not.toHaveProperty("name");
    expect(snakeCase("HTTPServerURL")).toBe("http_server_url");
  });

  it("names the contact to associate", () => {
    expect(valuesFor(run(group({ userId: "wile@acme.com" })), "hubspot")[0]?.contact).toEqual({
      user_id: "wile@acme.com",
      email: "wile@acme.com",
    });
  });
});

describe("hubspot: deletions", () => {
  it("Delete Object -> company archive; Delete Relationship -> remove the association", () => {
    expect(
      valuesFor(run(track({ event: "Delete Object", properties: { objectId: "a" } })), "hubspot")[0],
    ).toMatchObject({ operation: "archive", properties: null });
    expect(
      valuesFor(run(track({ event: "Delete Relationship", properties: { objectId: "a" } })), "hubspot")[0],
    ).toMatchObject({
      operation: "remove_association",
      contact: { user_id: "user-1" },
    });
  });
});

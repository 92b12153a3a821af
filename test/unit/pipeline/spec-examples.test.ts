import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../../src/events/json.js";
import { customerioValue, deadLetterCode, RECORD_TIME, run, warningCodes } from "../../support/events.js";
import { specExampleText } from "../../support/fixtures.js";

// Every example payload of customerio-group-spec.txt, as test/fixtures/spec holds it.

const fixture = specExampleText;

/** The spec's objects and deletion examples are API request bodies: the endpoint implies the type. */
function withType(text: string, type: string): string {
  return JSON.stringify({ type, ...(JSON.parse(text) as JsonObject) });
}

function withoutComments(text: string): string {
  return text.replace(/^\s*\/\/.*$/gm, "");
}

describe("spec example: a typical call (browser, analytics.group as the library sends it)", () => {
  it("updates the object's attributes without relating anyone", () => {
    const value = customerioValue(run(fixture("01-typical-call-browser.json")));
    expect(value).toMatchObject({
      action: "identify",
      identifiers: { object_type_id: "1", object_id: "0e8c78ea9d97a7b8185e8632" },
      attributes: {
        name: "Acme",
        industry: "Technology",
        wile_e_coyote_accidents: 329,
        plan: "enterprise",
        total_billed: 830,
      },
      cio_relationships: [],
    });
  });
});

describe("spec example: a typical call (server-side, with a userId)", () => {
  it("relates the user to the object", () => {
    const value = customerioValue(run(fixture("02-typical-call-server.json")));
    expect(value.cio_relationships).toEqual([{ identifiers: { id: "019mr8mf4r" }, relationship_attributes: null }]);
    expect(value.attributes).toEqual({
      name: "Acme",
      industry: "Technology",
      wile_e_coyote_accidents: 329,
      plan: "enterprise",
      total_billed: 830,
    });
  });
});

describe("spec example: the full payload, trailing commas in its strings and all", () => {
  const result = run(fixture("03-full-payload.json"));

  it("routes it, keeping ids and trait values exactly as sent", () => {
    const value = customerioValue(result);
    expect(result.routed[0]?.key).toBe("1:0e8c78ea9d97a7b8185e8632,");
    expect(value).toMatchObject({
      message_id: "022bb90c-bbac-11e4-8dfc-aa07a5b093db,",
      action: "identify",
      identifiers: { object_type_id: "1", object_id: "0e8c78ea9d97a7b8185e8632," },
      cio_relationships: [{ identifiers: { id: "97980cfea0067" }, relationship_attributes: null }],
    });
    expect((value.attributes as JsonObject).plan).toBe("enterprise,");
  });

  it("drops its three invalid dates with invalid_timestamp and falls back to the record time", () => {
    expect(warningCodes(result)).toEqual(["invalid_timestamp", "invalid_timestamp", "invalid_timestamp"]);
    expect(customerioValue(result).event_time).toBe(RECORD_TIME);
    expect(customerioValue(result).received_at).toBe(RECORD_TIME);
  });
});

describe("spec example: object and relationship attributes", () => {
  const text = fixture("04-object-and-relationship-attributes.jsonc");

  it("is not JSON as printed (it has // comments): malformed_json", () => {
    expect(deadLetterCode(run(text))).toBe("malformed_json");
  });

  it("has no type as printed: missing_type", () => {
    expect(deadLetterCode(run(withoutComments(text)))).toBe("missing_type");
  });

  it("as a group call, splits object attributes from relationship attributes under object type 2", () => {
    const result = run(withType(withoutComments(text), "group"));
    expect(result.routed[0]?.key).toBe("2:0e8c78ea");
    expect(customerioValue(result)).toMatchObject({
      identifiers: { object_type_id: "2", object_id: "0e8c78ea" },
      attributes: { name: "Acme", industry: "Technology", employees: 329 },
      cio_relationships: [
        {
          identifiers: { id: "wileecoyote" },
          relationship_attributes: { role: "sponsor", dateJoined: "2021-01-01", isPrimaryContact: true },
        },
      ],
    });
    expect(Object.keys(customerioValue(result).attributes as JsonObject)).toEqual(["name", "industry", "employees"]);
  });
});

describe("spec example: deleting an object", () => {
  const text = fixture("05-delete-object.json");

  it("has no type as printed: missing_type", () => {
    expect(deadLetterCode(run(text))).toBe("missing_type");
  });

  it("as a track call, deletes object 0e8c78ea of type 2", () => {
    const result = run(withType(text, "track"));
    expect(result.routed[0]?.key).toBe("2:0e8c78ea");
    expect(customerioValue(result)).toMatchObject({
      action: "delete",
      identifiers: { object_type_id: "2", object_id: "0e8c78ea" },
    });
  });
});

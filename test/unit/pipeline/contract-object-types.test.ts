import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/core/settings.js";
import { objectTypeName } from "../../../src/pipeline/object-type.js";
import { config } from "../../support/events.js";

// destinations.md, section 4: Object types.

describe("Object types: one map names them", () => {
  it("names 1 company by default", () => {
    expect(objectTypeName(config(), "1")).toBe("company");
  });

  it("names an unmapped id N object_type_N", () => {
    expect(objectTypeName(config(), "7")).toBe("object_type_7");
  });

  it("takes names from the configuration, keeping the default for 1 unless overridden", () => {
    const named = config({ objectTypes: { "2": "school" } });
    expect(objectTypeName(named, "2")).toBe("school");
    expect(objectTypeName(named, "1")).toBe("company");
    expect(objectTypeName(config({ objectTypes: { "1": "account" } }), "1")).toBe("account");
  });

  it("refuses ids that are not objectTypeIds and empty names", () => {
    expect(() => config({ objectTypes: { "0": "x" } })).toThrow(ConfigError);
    expect(() => config({ objectTypes: { "02": "x" } })).toThrow(/not an objectTypeId/);
    expect(() => config({ objectTypes: { "2": "" } })).toThrow(/non-empty name/);
  });
});

import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/core/settings.js";
import { config } from "../../support/events.js";

describe("Pipeline configuration: the contract's defaults", () => {
  it("limits 512 KiB, depth 32, 10,000 keys; a 100,000-id dedupe window; every destination", () => {
    expect(config()).toEqual({
      objectTypes: { "1": "company" },
      limits: { maxBytes: 524288, maxDepth: 32, maxKeys: 10000 },
      dedupe: { windowSize: 100000 },
      destinations: {
        enabled: ["customerio", "mixpanel", "intercom", "hubspot", "amplitude", "warehouse"],
        mixpanel: { groupKeys: {} },
        hubspot: { idProperty: "cdp_group_id" },
      },
    });
  });
});

describe("Pipeline configuration: validated once, then frozen", () => {
  it("is deeply frozen", () => {
    const frozen = config();
    expect(Object.isFrozen(frozen)).toBe(true);
    expect(Object.isFrozen(frozen.limits)).toBe(true);
    expect(Object.isFrozen(frozen.objectTypes)).toBe(true);
    expect(Object.isFrozen(frozen.destinations.enabled)).toBe(true);
  });

  it("reports every problem at once, each naming its setting", () => {
    try {
      config({
        limits: { maxDepth: 0, maxBytes: "big" },
        dedupe: { windowSize: -1 },
        destinations: { enabled: ["nope"] },
        typo: 1,
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join("\n");
      expect(problems).toMatch(/limits\.maxDepth/);
      expect(problems).toMatch(/limits\.maxBytes/);
      expect(problems).toMatch(/dedupe\.windowSize/);
      expect(problems).toMatch(/"nope" is not a destination/);
      expect(problems).toMatch(/typo is not a setting/);
    }
  });

  it("refuses a configuration that is not an object, and unknown nested keys", () => {
    expect(() => config([])).toThrow(/must be an object/);
    expect(() => config({ limits: { maxdepth: 3 } })).toThrow(/limits\.maxdepth is not a setting/);
  });
});

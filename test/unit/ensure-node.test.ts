import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script (it must run on the old Node it replaces), untyped.
import { ensureNode, isRecentEnough, PROVISIONED_NODE_VERSION } from "../../scripts/ensure-node.mjs";

describe("Node provisioning", () => {
  it("accepts Node 22.12 and later, and refuses older", () => {
    expect(isRecentEnough("v20.20.2")).toBe(false);
    expect(isRecentEnough("22.11.0")).toBe(false);
    expect(isRecentEnough("22.12.0")).toBe(true);
    expect(isRecentEnough("24.21.0")).toBe(true);
    expect(isRecentEnough("26.0.0")).toBe(true);
  });

  it("provisions Node 24 LTS", () => {
    expect(PROVISIONED_NODE_VERSION).toMatch(/^24\./);
  });

  it("hands out a Node binary that is new enough and runs", () => {
    const version = execFileSync(ensureNode(), ["--version"], { encoding: "utf8" }).trim();
    expect(isRecentEnough(version)).toBe(true);
  });
});

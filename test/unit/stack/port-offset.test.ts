import { describe, expect, it } from "vitest";
import { portOffset } from "../../../src/stack/layout.js";

describe("CDP_STACK_PORT_OFFSET", () => {
  it("is 0 when unset or blank, so the stack keeps 9092 and 8081", () => {
    expect(portOffset(undefined)).toBe(0);
    expect(portOffset("  ")).toBe(0);
  });

  it("shifts by a whole number", () => {
    expect(portOffset("10000")).toBe(10_000);
  });

  it("refuses what would not give valid ports, naming the variable", () => {
    for (const bad of ["-1", "1.5", "60000", "ten"]) expect(() => portOffset(bad)).toThrow(/CDP_STACK_PORT_OFFSET/);
  });
});

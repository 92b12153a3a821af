import { describe, expect, it } from "vitest";
import { FAULT_KINDS, laneOf } from "../../../src/chaos/faults.js";

describe("chaos faults: overlapping lanes", () => {
  it("broker and registry faults share one lane, so at most one of the three brokers (or the registry) is down at a time", () => {
    expect(laneOf("kill_broker")).toBe("stack");
    expect(laneOf("stall_broker")).toBe("stack");
    expect(laneOf("kill_registry")).toBe("stack");
  });

  it("worker stalls have a lane of their own; every other fault runs in turn", () => {
    expect(laneOf("stall_worker")).toBe("stall");
    const inTurn = FAULT_KINDS.filter((kind) => laneOf(kind) === undefined);
    expect(inTurn).toEqual(["kill_worker", "term_worker", "add_worker", "remove_worker", "raise_partitions"]);
  });
});

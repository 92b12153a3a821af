import { describe, expect, it } from "vitest";
import { planPartitions } from "../../../src/kafka/partition-plan.js";

describe("topics --partitions", () => {
  it("raises the topics below the target, leaves those at it, and names those above it (Kafka cannot shrink)", () => {
    const plan = planPartitions(
      new Map([
        ["cdp.raw.group", 3],
        ["cdp.raw.track", 6],
        ["cdp.dlq", 12],
      ]),
      6,
    );
    expect(plan).toEqual({
      raise: [{ topic: "cdp.raw.group", from: 3 }],
      unchanged: ["cdp.raw.track"],
      wouldShrink: [{ topic: "cdp.dlq", from: 12 }],
    });
  });
});

import { describe, expect, it } from "vitest";
import { describePauses, rebalancePauses } from "../../../src/chaos/rebalances.js";

const line = (time: number, msg: string) => JSON.stringify({ level: 30, time, msg });

describe("rebalance pauses from a worker's log", () => {
  it("each pause runs from kafkajs's rebalancing to the member's join", () => {
    const log = [
      line(1_000, "joined the consumer group"),
      line(5_000, "rebalancing"),
      line(5_100, "batch"),
      line(5_800, "rebalancing"), // a second announcement before the join: the pause began at the first
      line(8_250, "joined the consumer group"),
      "not json",
      line(20_000, "rebalancing"),
      line(20_400, "joined the consumer group"),
      line(30_000, "rebalancing"), // the log ends before a join: not counted
    ];
    expect(rebalancePauses(log)).toEqual([3_250, 400]);
  });

  it("summarises count, median and max", () => {
    expect(describePauses([400, 3_250, 900])).toBe("3 member pause(s), median 900 ms, max 3250 ms");
    expect(describePauses([])).toBe("none");
  });
});

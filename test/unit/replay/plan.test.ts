import { describe, expect, it } from "vitest";
import {
  checkReplayId,
  decodePlan,
  defaultReplayId,
  encodePlan,
  type ReplayPlan,
  type ReplayRequest,
  replayGroupId,
  requestDifferences,
} from "../../../src/replay/plan.js";

const request: ReplayRequest = {
  topics: ["cdp.raw.group", "cdp.raw.track"],
  from: "2026-11-01T00:00:00Z",
  to: "now",
  destinations: ["customerio"],
  outputPrefix: "",
};

describe("replay plan", () => {
  it("the default id is derived from the request, so the same command resumes the same replay", () => {
    const id = defaultReplayId(request);
    expect(id).toMatch(/^replay-[0-9a-f]{12}$/);
    expect(defaultReplayId({ ...request, topics: [...request.topics].reverse() })).toBe(id);
    expect(defaultReplayId({ ...request, to: "2026-11-02T00:00:00Z" })).not.toBe(id);
    expect(defaultReplayId({ ...request, destinations: ["warehouse"] })).not.toBe(id);
  });

  it("a replay reads with its own consumer group, never the live worker's", () => {
    expect(replayGroupId("backfill-1")).toBe("cdp-router-replay-backfill-1");
  });

  it("an id is a name a consumer group can carry", () => {
    expect(checkReplayId("backfill_2026-11.a").ok).toBe(true);
    for (const bad of ["", "a b", "a/b", "x".repeat(101)]) expect(checkReplayId(bad).ok).toBe(false);
  });

  it("says what differs between a stored request and the one asked", () => {
    expect(requestDifferences(request, { ...request, topics: ["cdp.raw.track", "cdp.raw.group"] })).toEqual([]);
    expect(requestDifferences(request, { ...request, destinations: ["hubspot"] })).toEqual([
      'destinations: stored ["customerio"], asked ["hubspot"]',
    ]);
  });

  it("a stored plan reads back exactly, offsets beyond 2^53 included", () => {
    const plan: ReplayPlan = {
      id: "r1",
      request,
      createdAt: 1_795_000_000_000,
      ranges: [{ topic: "cdp.raw.group", partition: 3, start: 9_007_199_254_740_993n, end: 9_007_199_254_740_999n }],
    };
    const back = decodePlan(encodePlan(plan));
    expect(back).toEqual({ ok: true, value: plan });
  });

  it("a record that is not a plan is an error, never a guess", () => {
    expect(decodePlan("{").ok).toBe(false);
    expect(decodePlan('{"id":"r1"}').ok).toBe(false);
  });
});

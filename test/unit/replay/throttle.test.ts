import { describe, expect, it } from "vitest";
import { RateLimiter } from "../../../src/replay/throttle.js";

describe("replay --rate", () => {
  it("spaces chunks so that the events per second never exceed the rate over a window longer than a chunk", () => {
    const limiter = new RateLimiter(1_000);
    let now = 0;
    let events = 0;
    // Chunks of 100 events processed instantly: each waits for the time the previous ones reserved.
    while (now < 10_000) {
      now += limiter.reserve(100, now);
      events += 100;
    }
    expect(events / (now / 1000)).toBeLessThanOrEqual(1_000 * 1.01 + 100 / (now / 1000));
    expect(events).toBeGreaterThanOrEqual(10_000);
  });

  it("starts at once, and saves up no credit while idle", () => {
    const limiter = new RateLimiter(100);
    expect(limiter.reserve(50, 0)).toBe(0);
    expect(limiter.reserve(50, 0)).toBe(500);
    // Idle for a minute: the next chunk starts at once, the one after it waits its share again.
    expect(limiter.reserve(100, 60_000)).toBe(0);
    expect(limiter.reserve(10, 60_000)).toBe(1_000);
  });

  it("several partitions share one rate", () => {
    const limiter = new RateLimiter(10);
    const waits = [limiter.reserve(10, 0), limiter.reserve(10, 0), limiter.reserve(10, 0)];
    expect(waits).toEqual([0, 1_000, 2_000]);
  });

  it("chunks hold about half a second's events, at least one", () => {
    expect(new RateLimiter(400).chunkSize(500)).toBe(200);
    expect(new RateLimiter(1).chunkSize(500)).toBe(1);
    expect(new RateLimiter(1e6).chunkSize(500)).toBe(500);
  });

  it("refuses a rate that is not a positive number", () => {
    for (const rate of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => new RateLimiter(rate)).toThrow(/positive/);
  });
});

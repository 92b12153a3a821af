import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backoffDelay, PartitionBackoff } from "../../../src/kafka/partition-backoff.js";

// A partition whose outputs cannot be written is paused (backpressure), then resumed after a
// backoff that grows with consecutive failures and resets on success.

function harness() {
  const events: string[] = [];
  const backoff = new PartitionBackoff({
    paused: (topic, partition, attempt, delay) => events.push(`paused ${topic}/${partition} #${attempt} ${delay}`),
    resumed: (topic, partition) => events.push(`resumed ${topic}/${partition}`),
  });
  const pause = (topic: string, partition: number) => () => {
    events.push(`pause() ${topic}/${partition}`);
    return () => events.push(`resume() ${topic}/${partition}`);
  };
  return { events, backoff, pause };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("partition backoff", () => {
  it("backoff delays double from 500 ms and stop at 30 s", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map(backoffDelay)).toEqual([
      500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
  });

  it("a failed partition is paused at once and resumed after its delay", () => {
    const { events, backoff, pause } = harness();
    expect(backoff.failed("raw", 2, pause("raw", 2))).toBe(500);
    expect(events).toEqual(["pause() raw/2", "paused raw/2 #1 500"]);
    expect(backoff.pausedCount).toBe(1);
    vi.advanceTimersByTime(499);
    expect(events).not.toContain("resume() raw/2");
    vi.advanceTimersByTime(1);
    expect(events.slice(2)).toEqual(["resume() raw/2", "resumed raw/2"]);
    expect(backoff.pausedCount).toBe(0);
  });

  it("consecutive failures of one partition wait longer; other partitions keep their own count", () => {
    const { backoff, pause } = harness();
    expect(backoff.failed("raw", 0, pause("raw", 0))).toBe(500);
    vi.advanceTimersByTime(500);
    expect(backoff.failed("raw", 0, pause("raw", 0))).toBe(1000);
    expect(backoff.failed("raw", 1, pause("raw", 1))).toBe(500);
  });

  it("a success resets the partition's backoff", () => {
    const { backoff, pause } = harness();
    backoff.failed("raw", 0, pause("raw", 0));
    vi.advanceTimersByTime(500);
    backoff.failed("raw", 0, pause("raw", 0));
    vi.advanceTimersByTime(1000);
    backoff.succeeded("raw", 0);
    expect(backoff.failed("raw", 0, pause("raw", 0))).toBe(500);
  });

  it("cancel leaves no resume to fire after shutdown", () => {
    const { events, backoff, pause } = harness();
    backoff.failed("raw", 0, pause("raw", 0));
    backoff.cancel();
    vi.advanceTimersByTime(60_000);
    expect(events.filter((e) => e.startsWith("resume"))).toEqual([]);
    expect(backoff.pausedCount).toBe(0);
  });
});

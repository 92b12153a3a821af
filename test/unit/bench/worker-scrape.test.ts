import { describe, expect, it } from "vitest";
import { readThreadBusy, threadUtilisation } from "../../../src/bench/worker-scrape.js";
import { WorkerMetrics } from "../../../src/ops/metrics.js";

describe("bench:worker reads the worker's thread busy time", () => {
  it("reads every thread of the worker's own exposition, and nothing else", async () => {
    const metrics = new WorkerMetrics();
    metrics.watchThreads(() => [
      { threadId: 1, busyMs: 1_500 },
      { threadId: 2, busyMs: 250 },
    ]);
    const busy = readThreadBusy(await metrics.registry.metrics());
    expect([...busy.keys()]).toEqual(["main", "transform-0", "transform-1"]);
    expect(busy.get("transform-0")).toBe(1.5);
    expect(busy.get("transform-1")).toBe(0.25);
    expect(busy.get("main")).toBeGreaterThan(0);
  });

  it("a thread's utilisation is its busy seconds over the wall seconds between two readings", () => {
    const earlier = new Map([
      ["main", 10],
      ["transform-0", 20],
    ]);
    const later = new Map([
      ["main", 14],
      ["transform-0", 29.5],
    ]);
    expect(threadUtilisation(earlier, later, 10)).toEqual([
      ["main", 0.4],
      ["transform-0", 0.95],
    ]);
  });
});

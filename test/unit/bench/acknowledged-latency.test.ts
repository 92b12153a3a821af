import { Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import {
  ACKNOWLEDGED_METRIC,
  bucketsBetween,
  readHistogram,
  STAGE_METRICS,
  summariseAcknowledged,
  summariseStage,
} from "../../../src/bench/acknowledged-latency.js";
import { WorkerMetrics } from "../../../src/ops/metrics.js";

// The latency benchmark reads the workers' own histogram (raw timestamp to outputs acknowledged)
// after the warm-up and at the end: only what was acknowledged in between may count.

async function exposition(observations: readonly number[]): Promise<string> {
  const metrics = new WorkerMetrics();
  for (const seconds of observations) metrics.endToEndSeconds.observe(seconds);
  return metrics.registry.metrics();
}

describe("acknowledged latency (benchmark)", () => {
  it("reads the worker's end-to-end histogram as it exports it", async () => {
    const buckets = readHistogram(await exposition([0.004, 0.03, 0.07, 2]), ACKNOWLEDGED_METRIC);
    expect(buckets.get(0.01)).toBe(1);
    expect(buckets.get(0.05)).toBe(2);
    expect(buckets.get(0.1)).toBe(3);
    expect(buckets.get(Number.POSITIVE_INFINITY)).toBe(4);
  });

  it("counts only what was acknowledged between the two readings, over every worker", async () => {
    const before = readHistogram(await exposition(Array(50).fill(3)), ACKNOWLEDGED_METRIC);
    const after = readHistogram(
      await exposition([...Array(50).fill(3), ...Array(99).fill(0.02), 0.2]),
      ACKNOWLEDGED_METRIC,
    );
    const joined = readHistogram(await exposition(Array(100).fill(0.005)), ACKNOWLEDGED_METRIC);
    const summary = summariseAcknowledged(
      bucketsBetween([
        { earlier: before, later: after },
        { earlier: undefined, later: joined },
      ]),
    );
    expect(summary).toEqual({ records: 200, within50Ms: 199 / 200, p50AtMostMs: 10, p99AtMostMs: 25 });
  });

  it("a p99 above 50 ms is reported as the bucket that holds it", async () => {
    const summary = summariseAcknowledged(
      readHistogram(await exposition([...Array(97).fill(0.02), 0.3, 0.3, 0.3]), ACKNOWLEDGED_METRIC),
    );
    expect(summary.within50Ms).toBe(0.97);
    expect(summary.p99AtMostMs).toBe(500);
  });

  it("another histogram's lines are not read", () => {
    const registry = new Registry();
    new Histogram({ name: "other_seconds", help: "x", buckets: [0.05], registers: [registry] }).observe(0.01);
    return registry.metrics().then((text) => expect(readHistogram(text, ACKNOWLEDGED_METRIC).size).toBe(0));
  });

  it("reads the chunk stages' histograms apart from each other, with their 1 ms buckets", async () => {
    const metrics = new WorkerMetrics();
    for (const seconds of [0.0008, 0.002, 0.002, 0.004]) metrics.chunkTransformSeconds.observe(seconds);
    for (const seconds of [0.0015, 0.02]) metrics.chunkWriteSeconds.observe(seconds);
    const text = await metrics.registry.metrics();
    expect(summariseStage(readHistogram(text, STAGE_METRICS.transform))).toEqual({
      chunks: 4,
      p50AtMostMs: 2.5,
      p99AtMostMs: 5,
    });
    expect(summariseStage(readHistogram(text, STAGE_METRICS.write))).toEqual({
      chunks: 2,
      p50AtMostMs: 2.5,
      p99AtMostMs: 25,
    });
  });

  it("a stage with no chunks in the window reports none", () => {
    expect(summariseStage(new Map([[Number.POSITIVE_INFINITY, 0]])).chunks).toBe(0);
  });
});

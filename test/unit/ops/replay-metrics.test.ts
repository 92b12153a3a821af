import { describe, expect, it } from "vitest";
import { WorkerMetrics } from "../../../src/ops/metrics.js";
import { ReplayMetrics } from "../../../src/ops/replay-metrics.js";

describe("a replay's metrics", () => {
  it("every metric of the replay process carries its id, beside the replay's progress gauges", async () => {
    const metrics = new WorkerMetrics();
    const replay = new ReplayMetrics(metrics, "backfill-1");
    metrics.consumed.inc({ topic: "cdp.raw.group" }, 5);
    replay.update({ done: 40, total: 100, partitionsDone: 1, partitions: 3, rate: 10, etaSeconds: 6 });
    const text = await metrics.registry.metrics();
    expect(text).toContain('cdp_router_records_consumed_total{topic="cdp.raw.group",replay="backfill-1"} 5');
    expect(text).toContain('cdp_router_replay_records{replay="backfill-1"} 100');
    expect(text).toContain('cdp_router_replay_records_done{replay="backfill-1"} 40');
    expect(text).toContain('cdp_router_replay_partitions_left{replay="backfill-1"} 2');
  });
});

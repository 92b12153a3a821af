import { Gauge } from "prom-client";
import type { ProgressSnapshot } from "../replay/progress.js";
import type { WorkerMetrics } from "./metrics.js";

/**
 * A replay's progress as Prometheus gauges. Every metric of the replay process, the worker's
 * included, carries the label `replay="<id>"`, so that a dashboard tells replays from the live
 * worker and from each other.
 */
export class ReplayMetrics {
  private readonly total: Gauge;
  private readonly done: Gauge;
  private readonly partitionsLeft: Gauge;

  constructor(metrics: WorkerMetrics, id: string) {
    metrics.registry.setDefaultLabels({ replay: id });
    const registers = [metrics.registry];
    this.total = new Gauge({ name: "cdp_router_replay_records", help: "Raw records in the replay's range", registers });
    this.done = new Gauge({
      name: "cdp_router_replay_records_done",
      help: "Raw records of the range settled (outputs written, offset committed)",
      registers,
    });
    this.partitionsLeft = new Gauge({
      name: "cdp_router_replay_partitions_left",
      help: "Partitions of the range not yet finished",
      registers,
    });
  }

  update(progress: ProgressSnapshot): void {
    this.total.set(progress.total);
    this.done.set(progress.done);
    this.partitionsLeft.set(progress.partitions - progress.partitionsDone);
  }
}

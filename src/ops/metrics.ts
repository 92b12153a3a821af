import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { type BusyReading, BusyTime, currentThreadBusy, type ThreadBusy } from "./thread-busy.js";

const CHUNK_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

/**
 * The worker's Prometheus metrics. Names are a public API: cdp_router_<thing>_<unit>, `_total`
 * on counters; label values come from cdp-router's own vocabularies (destination ids, reasons,
 * codes) and the configured topics, never from event content.
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  readonly consumed = new Counter({
    name: "cdp_router_records_consumed_total",
    help: "Raw records read",
    labelNames: ["topic"],
    registers: [this.registry],
  });
  readonly routed = new Counter({
    name: "cdp_router_records_routed_total",
    help: "Destination records produced",
    labelNames: ["destination"],
    registers: [this.registry],
  });
  readonly skipped = new Counter({
    name: "cdp_router_records_skipped_total",
    help: "Skips, by reason",
    labelNames: ["reason"],
    registers: [this.registry],
  });
  readonly deadLetters = new Counter({
    name: "cdp_router_dead_letters_total",
    help: "Dead letters, by code",
    labelNames: ["code"],
    registers: [this.registry],
  });
  readonly warnings = new Counter({
    name: "cdp_router_warnings_total",
    help: "Warnings, by code",
    labelNames: ["code"],
    registers: [this.registry],
  });
  readonly batchSeconds = new Histogram({
    name: "cdp_router_batch_duration_seconds",
    help: "Time to process a fetched batch, produce its outputs and resolve its offsets",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly endToEndSeconds = new Histogram({
    name: "cdp_router_end_to_end_latency_seconds",
    help: "From the raw record's Kafka timestamp to its outputs being acknowledged",
    // 25 and 75 ms: a p50 and p99 near a 50 ms objective fall in buckets that tell them apart.
    buckets: [0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });
  /**
   * Where a record's latency goes, chunk by chunk: waiting for and using the transform thread,
   * then waiting for the brokers. Buckets from 1 ms: at a few thousand events/s a chunk takes
   * milliseconds, and the end-to-end histogram's 10 ms floor would hide which part grew.
   */
  readonly chunkTransformSeconds = new Histogram({
    name: "cdp_router_chunk_transform_seconds",
    help: "From handing a chunk of input records to a transform thread to its encoded outputs coming back (time queued behind other partitions' chunks included)",
    buckets: CHUNK_BUCKETS,
    registers: [this.registry],
  });
  readonly chunkWriteSeconds = new Histogram({
    name: "cdp_router_chunk_write_seconds",
    help: "From producing a chunk's outputs to their acknowledgement by the brokers (exactly-once: to its transaction's commit)",
    buckets: CHUNK_BUCKETS,
    registers: [this.registry],
  });
  readonly keyMismatches = new Counter({
    name: "cdp_router_raw_key_mismatches_total",
    help: "Raw records whose Kafka key is not the id of the object they are about (group calls: groupId; semantic events: properties.objectId): their order per object is not guaranteed",
    labelNames: ["topic"],
    registers: [this.registry],
  });
  readonly lag = new Gauge({
    name: "cdp_router_consumer_lag_records",
    help: "High watermark minus the next offset to process",
    labelNames: ["topic", "partition"],
    registers: [this.registry],
  });
  readonly rebalances = new Counter({
    name: "cdp_router_rebalances_total",
    help: "Consumer group joins (each rebalance ends in one)",
    registers: [this.registry],
  });
  readonly skippedCommitted = new Counter({
    name: "cdp_router_skipped_committed_records_total",
    help: "exactly-once: input records skipped because a predecessor's transaction had already committed them",
    labelNames: ["topic"],
    registers: [this.registry],
  });
  readonly retries = new Counter({
    name: "cdp_router_transient_retries_total",
    help: "Chunks whose outputs could not be written (after kafkajs's own retries), to be fetched and tried again",
    registers: [this.registry],
  });
  readonly pausedPartitions = new Gauge({
    name: "cdp_router_partition_paused",
    help: "1 while an input partition is paused because its outputs could not be written (backing off)",
    labelNames: ["topic", "partition"],
    registers: [this.registry],
  });

  /** The transform threads' busy times, once the worker has them (watchThreads). */
  private transformThreads: () => Iterable<BusyReading> = () => [];
  private readonly busyTime = new BusyTime(() => [["main", currentThreadBusy()], ...this.transformThreads()]);
  readonly threadBusy: Counter<"thread">;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "cdp_router_" });
    const busyTime = this.busyTime;
    this.threadBusy = new Counter({
      name: "cdp_router_thread_busy_seconds_total",
      help: "Seconds each of the worker's threads (main: kafkajs; transform-N: parsing, the pipeline and Avro) spent working rather than waiting: its rate is the thread's utilisation, and a transform thread near 1 is what holds the worker's throughput",
      labelNames: ["thread"],
      registers: [this.registry],
      collect() {
        for (const [thread, seconds] of busyTime.increments()) this.inc({ thread }, seconds);
      },
    });
  }

  /** Where the transform threads' busy times come from, in thread order. */
  watchThreads(busy: () => readonly ThreadBusy[]): void {
    this.transformThreads = () => busy().map((thread, index): BusyReading => [`transform-${index}`, thread]);
  }
}

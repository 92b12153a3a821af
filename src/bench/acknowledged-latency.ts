// The latency the worker itself measures, as the issue defines end-to-end latency: from the raw
// record's timestamp to its outputs acknowledged (cdp_router_end_to_end_latency_seconds, observed
// once per input record when its chunk is acknowledged; exactly-once: when its transaction
// committed). The benchmark reads each worker's histogram after the warm-up and at the end; the
// difference is the steady part of the run. A histogram gives bucket bounds, not exact
// percentiles: p50 and p99 are reported as the bucket they fall in, and the share of records
// within 50 ms (a bucket bound) answers the target exactly.

export const ACKNOWLEDGED_METRIC = "cdp_router_end_to_end_latency_seconds";

/**
 * Two parts of that latency, per chunk (metrics.ts): the round trip to the transform thread,
 * queueing included, and the write until acknowledged. The benchmark reports them beside it, so
 * that a run whose tail grew says whether the transform or the brokers grew it.
 */
export const STAGE_METRICS = {
  transform: "cdp_router_chunk_transform_seconds",
  write: "cdp_router_chunk_write_seconds",
} as const;
export type Stage = keyof typeof STAGE_METRICS;

/** Cumulative counts by upper bound (seconds; Infinity for `+Inf`), as Prometheus exposes them. */
export type CumulativeBuckets = ReadonlyMap<number, number>;

/** The `_bucket` lines of one histogram (without labels other than `le`) in Prometheus's text format. */
export function readHistogram(text: string, name: string): CumulativeBuckets {
  const buckets = new Map<number, number>();
  const prefix = `${name}_bucket{le="`;
  for (const line of text.split("\n")) {
    if (!line.startsWith(prefix)) continue;
    const close = line.indexOf('"}', prefix.length);
    if (close < 0) continue;
    const bound = line.slice(prefix.length, close);
    const count = Number(line.slice(close + 2).trim());
    if (!Number.isFinite(count)) continue;
    buckets.set(bound === "+Inf" ? Number.POSITIVE_INFINITY : Number(bound), count);
  }
  return buckets;
}

/** Bucket by bucket: `later` minus `earlier`, summed over several workers' pairs. */
export function bucketsBetween(
  pairs: ReadonlyArray<{ earlier: CumulativeBuckets | undefined; later: CumulativeBuckets }>,
): CumulativeBuckets {
  const total = new Map<number, number>();
  for (const { earlier, later } of pairs)
    for (const [bound, count] of later) total.set(bound, (total.get(bound) ?? 0) + count - (earlier?.get(bound) ?? 0));
  return new Map([...total].sort(([a], [b]) => a - b));
}

export interface AcknowledgedLatency {
  readonly records: number;
  /** Share of records acknowledged within 50 ms (p99 <= 50 ms exactly when this is 0.99 or more). */
  readonly within50Ms: number;
  /** The upper bound (ms) of the bucket holding the median, and the 99th percentile. */
  readonly p50AtMostMs: number;
  readonly p99AtMostMs: number;
}

/** The smallest bucket bound that at least `fraction` of the records fall within. */
function boundFor(buckets: CumulativeBuckets, total: number, fraction: number): number {
  for (const [bound, count] of buckets) if (count >= fraction * total) return bound;
  return Number.POSITIVE_INFINITY;
}

export interface StageLatency {
  readonly chunks: number;
  /** The upper bound (ms) of the bucket holding the median, and the 99th percentile. */
  readonly p50AtMostMs: number;
  readonly p99AtMostMs: number;
}

export function summariseStage(buckets: CumulativeBuckets): StageLatency {
  const chunks = buckets.get(Number.POSITIVE_INFINITY) ?? 0;
  return {
    chunks,
    p50AtMostMs: boundFor(buckets, chunks, 0.5) * 1000,
    p99AtMostMs: boundFor(buckets, chunks, 0.99) * 1000,
  };
}

export function summariseAcknowledged(buckets: CumulativeBuckets): AcknowledgedLatency {
  const within = buckets.get(0.05);
  if (within === undefined) throw new Error(`${ACKNOWLEDGED_METRIC} has no 0.05 s bucket`);
  const { chunks: records, p50AtMostMs, p99AtMostMs } = summariseStage(buckets);
  return { records, within50Ms: records === 0 ? Number.NaN : within / records, p50AtMostMs, p99AtMostMs };
}

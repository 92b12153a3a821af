/** What `cdp-router topics --partitions N` would do to each topic, decided before anything changes. */
export interface PartitionPlan {
  /** Topics to raise to the target, with their count now. */
  readonly raise: ReadonlyArray<{ readonly topic: string; readonly from: number }>;
  readonly unchanged: readonly string[];
  /** Topics that already have more partitions: Kafka cannot shrink a topic, so the command refuses. */
  readonly wouldShrink: ReadonlyArray<{ readonly topic: string; readonly from: number }>;
}

/** Pure: the partition counts now (topics absent from `current` do not exist yet and are left to creation). */
export function planPartitions(current: ReadonlyMap<string, number>, target: number): PartitionPlan {
  const raise: Array<{ topic: string; from: number }> = [];
  const unchanged: string[] = [];
  const wouldShrink: Array<{ topic: string; from: number }> = [];
  for (const [topic, from] of current) {
    if (from < target) raise.push({ topic, from });
    else if (from === target) unchanged.push(topic);
    else wouldShrink.push({ topic, from });
  }
  return { raise, unchanged, wouldShrink };
}

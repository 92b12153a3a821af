/** A destination record as the independent reader saw it (a tombstone has no message id). */
export interface ReadRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly message_id?: string | null;
  readonly source_topic?: string | null;
  readonly source_partition?: number | null;
  readonly source_offset?: number | null;
}

/** A destination record the offline pipeline says an input must become. */
export interface ExpectedRecord {
  readonly topic: string;
  readonly key: string;
  /** null for a tombstone. */
  readonly messageId: string | null;
}

export interface Comparison {
  readonly expected: number;
  readonly read: number;
  readonly missing: number;
  readonly duplicated: number;
  /** Records of one key in one partition whose first copies came out of source order. */
  readonly outOfOrder: number;
  /** Missing records (topic, key, message id), at most 10,000, for the report and the run's folder. */
  readonly missingExamples: string[];
}

const identity = (topic: string, key: string | null, messageId: string | null | undefined) =>
  `${topic}\u0000${key ?? ""}\u0000${messageId ?? "(tombstone)"}`;

/**
 * Counts what the outputs lack (missing), hold more than once (duplicated) and hold out of order,
 * against what the offline pipeline made of every input. Records are matched by topic, key and
 * message id; tombstones by topic and key. Only records whose provenance is the campaign's input
 * topic count (tombstones carry none and are matched by key).
 */
export function compareOutputs(
  expected: readonly ExpectedRecord[],
  read: readonly ReadRecord[],
  inputTopic: string,
): Comparison {
  const want = new Map<string, number>();
  for (const record of expected) {
    const id = identity(record.topic, record.key, record.messageId);
    want.set(id, (want.get(id) ?? 0) + 1);
  }
  const got = new Map<string, number>();
  let counted = 0;
  for (const record of read) {
    const tombstone = record.message_id === undefined && record.source_topic === undefined;
    if (!tombstone && record.source_topic !== inputTopic) continue;
    const id = identity(record.topic, record.key, tombstone ? null : record.message_id);
    if (tombstone && !want.has(id)) continue; // another run's tombstone for a key this run never touched
    got.set(id, (got.get(id) ?? 0) + 1);
    counted++;
  }
  let missing = 0;
  let duplicated = 0;
  const missingExamples: string[] = [];
  for (const [id, count] of want) {
    const seen = got.get(id) ?? 0;
    if (seen < count) {
      missing += count - seen;
      if (missingExamples.length < 10_000) missingExamples.push(id.replaceAll("\u0000", " "));
    }
  }
  for (const [id, count] of got) duplicated += Math.max(0, count - (want.get(id) ?? 0));
  return {
    expected: expected.length,
    read: counted,
    missing,
    duplicated,
    outOfOrder: outOfOrder(read, inputTopic),
    missingExamples,
  };
}

/**
 * Within each (topic, partition, key), first copies of records from one source partition must
 * follow their source offsets. Records of one key from two source partitions have no order to
 * keep: after a raw partition increase a key can move to another raw partition (documented).
 */
function outOfOrder(read: readonly ReadRecord[], inputTopic: string): number {
  const lastSource = new Map<string, number>();
  const firstSeen = new Set<string>();
  let count = 0;
  const sorted = [...read].sort(
    (a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition || a.offset - b.offset,
  );
  for (const record of sorted) {
    if (record.source_topic !== inputTopic || record.source_offset == null) continue;
    const id = identity(record.topic, record.key, record.message_id);
    if (firstSeen.has(id)) continue;
    firstSeen.add(id);
    const lane = `${record.topic}\u0000${record.partition}\u0000${record.key ?? ""}\u0000${record.source_partition ?? ""}`;
    const last = lastSource.get(lane);
    if (last !== undefined && record.source_offset < last) count++;
    else lastSource.set(lane, record.source_offset);
  }
  return count;
}

/**
 * The range of a replay, as the user writes it (`--from`, `--to`) and as it is fixed when the
 * replay starts: one [start, end) offset pair per partition. Pure: the offsets the broker holds
 * are passed in, so every rule here is tested without a broker.
 */

/** One end of the range, as written. */
export type Bound =
  | { readonly kind: "earliest" }
  | { readonly kind: "now" }
  /** Epoch milliseconds: the first record whose timestamp is at or after it. */
  | { readonly kind: "time"; readonly ms: number }
  /** Explicit positions, `topic:partition:offset`, keyed by `topic:partition`. */
  | { readonly kind: "offsets"; readonly positions: ReadonlyMap<string, bigint> };

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

/** A date alone (UTC midnight), or a date-time with seconds optional, fractions optional, and a zone. */
const INSTANT = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;
const POSITION = /^(?<topic>[A-Za-z0-9._-]+):(?<partition>\d+):(?<offset>\d+)$/;

export const partitionKey = (topic: string, partition: number) => `${topic}:${partition}`;

/**
 * `earliest`, `now`, an ISO-8601 instant (`2026-11-01T09:00:00Z`, `2026-11-01T10:00+01:00`, or a
 * date alone for its UTC midnight), or a comma-separated list of `topic:partition:offset`.
 */
export function parseBound(option: string, text: string): Parsed<Bound> {
  const trimmed = text.trim();
  if (trimmed === "earliest") return ok({ kind: "earliest" });
  if (trimmed === "now") return ok({ kind: "now" });
  if (/^\d{4}-/.test(trimmed)) {
    if (!INSTANT.test(trimmed)) {
      return fail(
        `${option} ${JSON.stringify(text)}: an instant needs a time zone (2026-11-01T09:00:00Z or +01:00), or give a date alone for its UTC midnight`,
      );
    }
    const ms = Date.parse(trimmed.length === 10 ? `${trimmed}T00:00:00Z` : trimmed);
    if (Number.isNaN(ms)) return fail(`${option} ${JSON.stringify(text)} is not a valid date`);
    return ok({ kind: "time", ms });
  }
  const positions = new Map<string, bigint>();
  for (const item of trimmed.split(",")) {
    const match = POSITION.exec(item.trim());
    if (!match?.groups) {
      return fail(
        `${option} ${JSON.stringify(text)}: expected earliest, now, an ISO-8601 instant, or topic:partition:offset[,...]`,
      );
    }
    const { topic = "", partition = "", offset = "" } = match.groups;
    const key = partitionKey(topic, Number(partition));
    if (positions.has(key)) return fail(`${option}: ${key} is given twice`);
    positions.set(key, BigInt(offset));
  }
  return ok({ kind: "offsets", positions });
}

/** What the broker holds for one partition when the replay starts. */
export interface PartitionOffsets {
  readonly topic: string;
  readonly partition: number;
  /** The log start. */
  readonly low: bigint;
  /** The log end (the next offset to be written). */
  readonly high: bigint;
}

/** The offsets for `--from` and `--to` when they are instants (first record at or after the instant, else the end). */
export interface OffsetsForTimes {
  readonly from?: ReadonlyMap<string, bigint>;
  readonly to?: ReadonlyMap<string, bigint>;
}

/** One partition's part of the replay: the records in [start, end). */
export interface PartitionRange {
  readonly topic: string;
  readonly partition: number;
  readonly start: bigint;
  readonly end: bigint;
}

function resolve(
  option: "--from" | "--to",
  bound: Bound,
  offsets: PartitionOffsets,
  forTime: ReadonlyMap<string, bigint> | undefined,
): Parsed<bigint | undefined> {
  const key = partitionKey(offsets.topic, offsets.partition);
  switch (bound.kind) {
    case "earliest":
      return ok(offsets.low);
    case "now":
      return ok(offsets.high);
    case "time": {
      const offset = forTime?.get(key);
      if (offset === undefined) return fail(`${option}: no offset for the instant was found on ${key}`);
      return ok(offset);
    }
    case "offsets": {
      const offset = bound.positions.get(key);
      if (offset === undefined) return ok(undefined);
      if (offset < offsets.low) {
        return fail(`${option} ${key}:${offset} is before the log start (${offsets.low}): those records were deleted`);
      }
      if (offset > offsets.high) return fail(`${option} ${key}:${offset} is past the log end (${offsets.high})`);
      return ok(offset);
    }
  }
}

/**
 * Fixes the range: for every partition, [start, end). A `--from` list of positions replays only
 * the partitions it names; a `--to` list must name every partition replayed. Refuses a range that
 * ends before it starts on any partition, names a partition that does not exist, or holds no records.
 */
export function planRange(
  from: Bound,
  to: Bound,
  partitions: readonly PartitionOffsets[],
  forTimes: OffsetsForTimes = {},
): Parsed<PartitionRange[]> {
  const known = new Set(partitions.map((p) => partitionKey(p.topic, p.partition)));
  for (const [option, bound] of [
    ["--from", from],
    ["--to", to],
  ] as const) {
    if (bound.kind !== "offsets") continue;
    for (const key of bound.positions.keys()) {
      if (!known.has(key)) return fail(`${option}: ${key} is not a partition of the replayed topics`);
    }
  }
  if (from.kind === "time" && to.kind === "time" && to.ms < from.ms) {
    return fail("--to is before --from");
  }
  const ranges: PartitionRange[] = [];
  for (const offsets of partitions) {
    const start = resolve("--from", from, offsets, forTimes.from);
    if (!start.ok) return start;
    if (start.value === undefined) continue; // not named by a --from list
    const end = resolve("--to", to, offsets, forTimes.to);
    if (!end.ok) return end;
    const key = partitionKey(offsets.topic, offsets.partition);
    if (end.value === undefined) return fail(`--to names positions but not ${key}, which --from replays`);
    if (end.value < start.value) {
      return fail(`--to is before --from on ${key} (offsets ${end.value} < ${start.value})`);
    }
    ranges.push({ topic: offsets.topic, partition: offsets.partition, start: start.value, end: end.value });
  }
  if (ranges.every((range) => range.end === range.start)) return fail("the range holds no records");
  return ok(ranges);
}

/** Records in the range: the replay's total. */
export function recordsIn(ranges: readonly PartitionRange[]): bigint {
  return ranges.reduce((sum, range) => sum + (range.end - range.start), 0n);
}

import { type PartitionRange, partitionKey, recordsIn } from "./range.js";

/** How far a replay has got: records settled of the total, and the rate since it (re)started. */
export interface ProgressSnapshot {
  readonly done: number;
  readonly total: number;
  readonly partitionsDone: number;
  readonly partitions: number;
  /** Records settled per second since this process started (a resumed replay counts from its resume). */
  readonly rate: number;
  /** Seconds left at that rate; undefined until there is a rate. */
  readonly etaSeconds: number | undefined;
}

interface PartitionState {
  readonly range: PartitionRange;
  /** The next offset to settle: start at first, end once the partition is done. */
  next: bigint;
}

/**
 * Where each partition of a replay stands. Records at or past a partition's end are never
 * processed (the end was fixed when the replay started, so it always finishes), nor are records
 * before its start. Pure: the worker reports what it settled, the runner asks whether it is done.
 */
export class ReplayProgress {
  private readonly partitions = new Map<string, PartitionState>();
  private readonly total: number;
  private settledAtStart = 0;

  constructor(
    ranges: readonly PartitionRange[],
    private readonly startedAt: number,
  ) {
    for (const range of ranges) {
      this.partitions.set(partitionKey(range.topic, range.partition), { range, next: range.start });
    }
    this.total = Number(recordsIn(ranges));
  }

  /** Offsets a previous run of the same replay committed: its settled records count as done, not as this run's rate. */
  resumeFrom(committed: ReadonlyMap<string, bigint>): void {
    for (const [key, offset] of committed) {
      const state = this.partitions.get(key);
      if (state) state.next = clamp(offset, state.range);
    }
    this.settledAtStart = this.doneRecords();
  }

  /** The part of a fetched batch inside the range, in order. A partition outside the replay has none. */
  within<M extends { offset: string }>(topic: string, partition: number, messages: readonly M[]): readonly M[] {
    const state = this.partitions.get(partitionKey(topic, partition));
    if (!state) return [];
    const { start, end } = state.range;
    const first = messages[0];
    const last = messages[messages.length - 1];
    // The common case, a batch wholly inside the range, is returned as it is.
    if (first && last && BigInt(first.offset) >= start && BigInt(last.offset) < end) return messages;
    return messages.filter((message) => {
      const offset = BigInt(message.offset);
      return offset >= start && offset < end;
    });
  }

  /**
   * Whether a fetched batch, whose last record (control records of transactions included) is at
   * `lastOffset`, shows the partition has nothing more in range: the records before a gap left by
   * compaction, deletion or a transaction marker at the end will never come as messages.
   */
  passesEnd(topic: string, partition: number, lastOffset: bigint | undefined): boolean {
    const state = this.partitions.get(partitionKey(topic, partition));
    return state === undefined || (lastOffset !== undefined && lastOffset >= state.range.end - 1n);
  }

  /** Records up to `next` (exclusive) are settled: written and their input offset committed or about to be. */
  settled(topic: string, partition: number, next: bigint): void {
    const state = this.partitions.get(partitionKey(topic, partition));
    if (state && next > state.next) state.next = clamp(next, state.range);
  }

  /** The partition is done: it is outside the replay, or settled up to its end. */
  reached(topic: string, partition: number): boolean {
    const state = this.partitions.get(partitionKey(topic, partition));
    return state === undefined || state.next >= state.range.end;
  }

  /** Where the partition's range starts; undefined outside the replay. */
  startOf(topic: string, partition: number): bigint | undefined {
    return this.partitions.get(partitionKey(topic, partition))?.range.start;
  }

  /** Whether the record at `offset` is settled. */
  isSettled(topic: string, partition: number, offset: bigint): boolean {
    const state = this.partitions.get(partitionKey(topic, partition));
    return state === undefined || state.next > offset;
  }

  /** Where the partition's range ends: the offset the group should hold once it is done. */
  endOf(topic: string, partition: number): bigint | undefined {
    return this.partitions.get(partitionKey(topic, partition))?.range.end;
  }

  complete(): boolean {
    for (const state of this.partitions.values()) if (state.next < state.range.end) return false;
    return true;
  }

  snapshot(now: number): ProgressSnapshot {
    const done = this.doneRecords();
    let partitionsDone = 0;
    for (const state of this.partitions.values()) if (state.next >= state.range.end) partitionsDone++;
    const seconds = (now - this.startedAt) / 1000;
    const thisRun = done - this.settledAtStart;
    const rate = seconds > 0 ? thisRun / seconds : 0;
    const left = this.total - done;
    return {
      done,
      total: this.total,
      partitionsDone,
      partitions: this.partitions.size,
      rate,
      etaSeconds: left === 0 ? 0 : rate > 0 ? left / rate : undefined,
    };
  }

  private doneRecords(): number {
    let done = 0;
    for (const state of this.partitions.values()) done += Number(state.next - state.range.start);
    return done;
  }
}

function clamp(offset: bigint, range: PartitionRange): bigint {
  if (offset < range.start) return range.start;
  return offset > range.end ? range.end : offset;
}

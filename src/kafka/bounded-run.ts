import { setTimeout as sleep } from "node:timers/promises";
import type { ReplayProgress } from "../replay/progress.js";
import type { RateLimiter } from "../replay/throttle.js";
import type { ChunkSummary } from "./outputs.js";

/** How a partition's part of a bounded run ended: at `end` (commit it), or it was never in the run. */
export interface PartitionEnd {
  readonly commitAt?: bigint;
}

/**
 * What the worker asks of a bounded run (a replay): which fetched records to process, how fast,
 * and when a partition is finished. The live worker has none.
 */
export interface BoundedRun {
  /** The fetched records inside the range, in order. */
  within<M extends { offset: string }>(topic: string, partition: number, messages: readonly M[]): readonly M[];
  /** The fetched records before the range's start: resolved without processing, so that they are not fetched again. */
  beforeStart(topic: string, partition: number, messages: readonly { offset: string }[]): string | undefined;
  /** Records before `next` are settled. */
  settled(topic: string, partition: number, next: bigint): void;
  chunkSize(limit: number): number;
  /** Waits, heartbeating, until `events` may be transformed at the run's rate. */
  throttle(events: number, heartbeat: () => Promise<void>): Promise<void>;
  delivered(summary: ChunkSummary): void;
  /**
   * After a batch was processed without failure: the partition's end when it is finished (every
   * record in range settled, or the batch's last offset, `lastFetched`, shows none is left), else
   * undefined. `processed` empty: a batch of transaction markers only, which reaches no `eachBatch`.
   */
  ended(
    topic: string,
    partition: number,
    processed: readonly { offset: string }[],
    lastFetched: string | undefined,
  ): PartitionEnd | undefined;
  /** Whether every record of the range before `offset` is settled. */
  isSettledBefore(topic: string, partition: number, offset: bigint): boolean;
  /** The worker paused the finished partition. */
  partitionDone(topic: string, partition: number): void;
}

/** Longest single wait before a heartbeat, well inside any session timeout. */
const HEARTBEAT_EVERY_MS = 1_000;

/** A replay's bounds over its progress and rate limiter; `finished` resolves once every partition is done. */
export class ReplayBounds implements BoundedRun {
  private resolveFinished: () => void = () => undefined;
  readonly finished: Promise<void> = new Promise((resolve) => {
    this.resolveFinished = resolve;
  });

  constructor(
    readonly progress: ReplayProgress,
    private readonly limiter: RateLimiter | undefined,
    private readonly onDelivered: (summary: ChunkSummary) => void,
    private readonly clock: () => number = Date.now,
  ) {
    if (progress.complete()) this.resolveFinished();
  }

  within<M extends { offset: string }>(topic: string, partition: number, messages: readonly M[]): readonly M[] {
    return this.progress.within(topic, partition, messages);
  }

  beforeStart(topic: string, partition: number, messages: readonly { offset: string }[]): string | undefined {
    const start = this.progress.startOf(topic, partition);
    if (start === undefined) return undefined;
    let last: string | undefined;
    for (const message of messages) {
      if (BigInt(message.offset) >= start) break;
      last = message.offset;
    }
    return last;
  }

  settled(topic: string, partition: number, next: bigint): void {
    this.progress.settled(topic, partition, next);
  }

  chunkSize(limit: number): number {
    return this.limiter ? this.limiter.chunkSize(limit) : limit;
  }

  async throttle(events: number, heartbeat: () => Promise<void>): Promise<void> {
    if (!this.limiter) return;
    let wait = this.limiter.reserve(events, this.clock());
    while (wait > 0) {
      const step = Math.min(wait, HEARTBEAT_EVERY_MS);
      await sleep(step);
      wait -= step;
      await heartbeat();
    }
  }

  delivered(summary: ChunkSummary): void {
    this.onDelivered(summary);
  }

  ended(
    topic: string,
    partition: number,
    processed: readonly { offset: string }[],
    lastFetched: string | undefined,
  ): PartitionEnd | undefined {
    const end = this.progress.endOf(topic, partition);
    if (end === undefined) return {};
    const lastProcessed = processed[processed.length - 1];
    // Every processed record must be settled: a revoked or stopped batch leaves some behind.
    if (lastProcessed !== undefined && !this.progress.isSettled(topic, partition, BigInt(lastProcessed.offset)))
      return undefined;
    const last = lastFetched === undefined ? undefined : BigInt(lastFetched);
    if (this.progress.passesEnd(topic, partition, last)) this.progress.settled(topic, partition, end);
    return this.progress.reached(topic, partition) ? { commitAt: end } : undefined;
  }

  isSettledBefore(topic: string, partition: number, offset: bigint): boolean {
    const start = this.progress.startOf(topic, partition);
    return start === undefined || offset <= start || this.progress.isSettled(topic, partition, offset - 1n);
  }

  partitionDone(): void {
    if (this.progress.complete()) this.resolveFinished();
  }
}

/** Capped exponential backoff for the n-th consecutive failure: 500 ms, 1 s, 2 s, ... up to 30 s. */
export function backoffDelay(attempt: number): number {
  return Math.min(30_000, 250 * 2 ** Math.min(Math.max(attempt, 1), 7));
}

/** kafkajs's eachBatch `pause()`: pauses fetching the batch's partition and returns its resume. */
export type PausePartition = () => () => void;

export interface BackoffListener {
  paused(topic: string, partition: number, attempt: number, delayMs: number): void;
  resumed(topic: string, partition: number): void;
}

/**
 * Backpressure for a partition whose outputs cannot be written: instead of blocking the fetch
 * loop in a retry (which stalls every other partition on that broker and needs hand-made
 * heartbeats), the partition is paused, its unacknowledged records are left unresolved (kafkajs
 * fetches them again from the last resolved offset) and it is resumed after a backoff that grows
 * with each consecutive failure and resets on the first success.
 */
export class PartitionBackoff {
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly listener: BackoffListener) {}

  failed(topic: string, partition: number, pause: PausePartition): number {
    const key = `${topic}\u0000${partition}`;
    const attempt = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, attempt);
    const delay = backoffDelay(attempt);
    const resume = pause();
    clearTimeout(this.timers.get(key));
    this.listener.paused(topic, partition, attempt, delay);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        resume();
        this.listener.resumed(topic, partition);
      }, delay),
    );
    return delay;
  }

  succeeded(topic: string, partition: number): void {
    this.failures.delete(`${topic}\u0000${partition}`);
  }

  /** Partitions paused now. */
  get pausedCount(): number {
    return this.timers.size;
  }

  /** On shutdown: no resume may fire after the consumer is gone. */
  cancel(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}

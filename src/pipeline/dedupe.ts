/**
 * The most recent `size` distinct messageIds, oldest evicted first: memory stays bounded
 * (about 100 bytes per id). The guarantee is deliberately narrow: a repeat is caught when it
 * reaches the same pipeline instance (one worker process) while the first is still among the
 * last `size` ids; a restart, a rebalance that moves the partition, or a repeat on another
 * partition is not caught. Events without a messageId are never duplicates.
 */
export class DedupeWindow {
  /** Each remembered id and the ring slot that holds it. */
  private readonly slots = new Map<string, number>();
  /** The remembered ids in arrival order, as a ring: `next` is the slot of the oldest. */
  private readonly ring: Array<string | undefined>;
  private next = 0;

  constructor(readonly size: number) {
    this.ring = new Array<string | undefined>(size).fill(undefined);
  }

  /** True when `messageId` was seen inside the window; otherwise remembers it. */
  checkAndRemember(messageId: string | undefined): boolean {
    if (messageId === undefined || this.size === 0) return false;
    if (this.slots.has(messageId)) return true;
    const oldest = this.ring[this.next];
    if (oldest !== undefined) this.slots.delete(oldest);
    this.ring[this.next] = messageId;
    this.slots.set(messageId, this.next);
    this.next = (this.next + 1) % this.size;
    return false;
  }

  /**
   * Takes back ids remembered by records whose outputs were never written (a failed send, a
   * chunk transformed ahead and then abandoned): when those records are fetched again they must
   * be routed, not skipped as their own duplicates.
   */
  forget(messageIds: Iterable<string>): void {
    for (const messageId of messageIds) {
      const slot = this.slots.get(messageId);
      if (slot === undefined) continue;
      this.slots.delete(messageId);
      this.ring[slot] = undefined;
    }
  }

  get count(): number {
    return this.slots.size;
  }
}

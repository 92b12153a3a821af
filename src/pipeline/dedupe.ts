/**
 * The most recent `size` distinct messageIds, oldest evicted first: memory stays bounded
 * (about 100 bytes per id). The guarantee is deliberately narrow: a repeat is caught when it
 * reaches the same pipeline instance (one worker process) while the first is still among the
 * last `size` ids; a restart, a rebalance that moves the partition, or a repeat on another
 * partition is not caught. Events without a messageId are never duplicates.
 */
export class DedupeWindow {
  private readonly seen = new Set<string>();
  /** The remembered ids in arrival order, as a ring: `next` is the slot of the oldest. */
  private readonly ring: Array<string | undefined>;
  private next = 0;

  constructor(readonly size: number) {
    this.ring = new Array<string | undefined>(size).fill(undefined);
  }

  /** True when `messageId` was seen inside the window; otherwise remembers it. */
  checkAndRemember(messageId: string | undefined): boolean {
    if (messageId === undefined || this.size === 0) return false;
    if (this.seen.has(messageId)) return true;
    const oldest = this.ring[this.next];
    if (oldest !== undefined) this.seen.delete(oldest);
    this.ring[this.next] = messageId;
    this.next = (this.next + 1) % this.size;
    this.seen.add(messageId);
    return false;
  }

  get count(): number {
    return this.seen.size;
  }
}

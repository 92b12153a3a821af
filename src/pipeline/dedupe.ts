/**
 * The most recent `size` distinct messageIds, oldest evicted first: memory stays bounded
 * (about 100 bytes per id). The guarantee is deliberately narrow: a repeat is caught when it
 * reaches the same pipeline instance (one worker process) while the first is still among the
 * last `size` ids; a restart, a rebalance that moves the partition, or a repeat on another
 * partition is not caught. Events without a messageId are never duplicates.
 */
export class DedupeWindow {
  private readonly seen = new Set<string>();

  constructor(readonly size: number) {}

  /** True when `messageId` was seen inside the window; otherwise remembers it. */
  checkAndRemember(messageId: string | undefined): boolean {
    if (messageId === undefined || this.size === 0) return false;
    if (this.seen.has(messageId)) return true;
    this.seen.add(messageId);
    if (this.seen.size > this.size) {
      // A Set iterates in insertion order: the first value is the oldest.
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return false;
  }

  get count(): number {
    return this.seen.size;
  }
}

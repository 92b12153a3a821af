import type { DeliveryMark } from "../core/outcome.js";

/** At most this many destinations fit in a mask (JavaScript bitwise operators are 32-bit). */
export const MAX_DEDUPE_DESTINATIONS = 31;

/**
 * The most recent `size` distinct messageIds, oldest evicted first, each with the destinations
 * that actually received it: memory stays bounded (about 100 bytes per id). A repeat is skipped
 * only for destinations that received the first copy, so a corrected resend of an event one
 * destination refused still reaches that destination. The guarantee is deliberately narrow: a
 * repeat is caught when it reaches the same pipeline instance (one worker process) while the
 * first is still among the last `size` ids; a restart, a rebalance that moves the partition, or
 * a repeat on another partition is not caught. Events without a messageId are never duplicates.
 */
export class DedupeWindow {
  /** Each remembered id and the ring slot that holds it. */
  private readonly slots = new Map<string, number>();
  /** The remembered ids in arrival order, as a ring: `next` is the slot of the oldest. */
  private readonly ring: Array<string | undefined>;
  /** Per slot, the destinations that received its id. */
  private readonly masks: Int32Array;
  private next = 0;
  /** The last id `received` looked up and its slot (-1: not remembered): `remember` follows it for the same id. */
  private lookedUp: string | undefined = undefined;
  private lookedUpSlot = -1;

  constructor(readonly size: number) {
    this.ring = new Array<string | undefined>(size).fill(undefined);
    this.masks = new Int32Array(size);
  }

  /** The destinations (bits) that already received `messageId`; 0 when none did or it is unknown. */
  received(messageId: string | undefined): number {
    if (messageId === undefined || this.size === 0) return 0;
    const slot = this.slots.get(messageId) ?? -1;
    this.lookedUp = messageId;
    this.lookedUpSlot = slot;
    return slot < 0 ? 0 : (this.masks[slot] ?? 0);
  }

  /** Adds destinations to what `messageId` reached; a new id takes the oldest slot. */
  remember(messageId: string | undefined, destinations: number): void {
    if (messageId === undefined || this.size === 0 || destinations === 0) return;
    const known = messageId === this.lookedUp ? this.lookedUpSlot : (this.slots.get(messageId) ?? -1);
    this.lookedUp = undefined;
    if (known >= 0) {
      this.masks[known] = (this.masks[known] ?? 0) | destinations;
      return;
    }
    const oldest = this.ring[this.next];
    if (oldest !== undefined) this.slots.delete(oldest);
    this.ring[this.next] = messageId;
    this.masks[this.next] = destinations;
    this.slots.set(messageId, this.next);
    this.next = (this.next + 1) % this.size;
  }

  /**
   * Takes back deliveries whose outputs were never written (a failed send, a chunk transformed
   * ahead and then abandoned, a record the encoder refused): when those records are fetched
   * again they must reach those destinations, not be skipped as their own duplicates. An id left
   * with no destination is forgotten entirely.
   */
  forget(marks: Iterable<DeliveryMark>): void {
    this.lookedUp = undefined;
    for (const { messageId, destinations } of marks) {
      const slot = this.slots.get(messageId);
      if (slot === undefined) continue;
      const left = (this.masks[slot] ?? 0) & ~destinations;
      this.masks[slot] = left;
      if (left !== 0) continue;
      this.slots.delete(messageId);
      this.ring[slot] = undefined;
    }
  }

  get count(): number {
    return this.slots.size;
  }
}

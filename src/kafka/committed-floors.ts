/**
 * exactly-once: each input partition's settled committed offset, the floor below which records
 * were already written by a committed transaction.
 *
 * kafkajs reads a group's committed offsets at assignment without KIP-447's require_stable, so it
 * can start a partition below an offset that a predecessor's transaction (a member that lost the
 * partition, a zombie, this worker before a failure) was about to commit; those records would
 * then be written a second time. Making the partition's transactional producer (InitProducerId)
 * waits until the coordinator has finished any such transaction, committing or aborting it: the
 * committed offset read after that is settled. `settle` makes the producer, `fetch` reads the
 * offset; a floor is read once and kept until the next assignment (`clear`) or a failed
 * transaction on its partition (`forget`).
 */
export interface FloorEffects {
  /** Makes (or returns) the partition's transactional producer, fencing every predecessor. */
  settle(topic: string, partition: number): Promise<unknown>;
  /** The group's committed offset for the partition, undefined when nothing is committed. */
  fetch(topic: string, partition: number): Promise<bigint | undefined>;
}

export class CommittedFloors {
  private readonly floors = new Map<string, Promise<bigint | undefined>>();

  constructor(private readonly effects: FloorEffects) {}

  /** The partition's floor, read once after its producer is made; a failed read is not kept. */
  floor(topic: string, partition: number): Promise<bigint | undefined> {
    const key = `${topic}\u0000${partition}`;
    const known = this.floors.get(key);
    if (known) return known;
    const read = (async () => {
      await this.effects.settle(topic, partition);
      return this.effects.fetch(topic, partition);
    })();
    this.floors.set(key, read);
    read.catch(() => {
      if (this.floors.get(key) === read) this.floors.delete(key);
    });
    return read;
  }

  /** A transaction on the partition failed: whether it committed after all is read again. */
  forget(topic: string, partition: number): void {
    this.floors.delete(`${topic}\u0000${partition}`);
  }

  /** A new group generation: predecessors may have committed since the floors were read. */
  clear(): void {
    this.floors.clear();
  }
}

/**
 * The records of a batch at or above the floor, and the offset to resolve for the ones skipped
 * (the floor's predecessor), or none when nothing is below it.
 */
export function aboveFloor<M extends { offset: string }>(
  messages: readonly M[],
  floor: bigint | undefined,
): { messages: readonly M[]; skippedThrough?: string } {
  if (floor === undefined || !messages.some((m) => BigInt(m.offset) < floor)) return { messages };
  return { messages: messages.filter((m) => BigInt(m.offset) >= floor), skippedThrough: String(floor - 1n) };
}

import type { Kafka, Producer } from "kafkajs";
import { PRODUCER_DEFAULTS } from "./client.js";

/** Disconnects a producer that may still be connecting, or may have failed to. */
async function disconnectQuietly(producer: Promise<Producer> | undefined): Promise<void> {
  await producer?.then((p) => p.disconnect()).catch(() => undefined);
}

/**
 * exactly-once: one transactional producer per input partition, with the transactional id
 * `<group>.<topic>.<partition>` (kafkajs has no KIP-447 group fencing, so the per-partition id is
 * what fences a zombie). A producer is made when its partition is assigned (or on first use after
 * a failure dropped it). Making it fences the transactional id at once: a transaction that a
 * killed or stalled predecessor left open is aborted by the coordinator then, instead of holding
 * back read_committed readers of every destination partition it wrote to until it times out.
 * Concurrent callers share the one being made.
 */
export class TransactionalProducers {
  private readonly producers = new Map<string, Promise<Producer>>();

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
  ) {}

  private id(topic: string, partition: number): string {
    return `${this.groupId}.${topic}.${partition}`;
  }

  /** The partition's producer, connected and registered (its predecessors fenced). */
  get(topic: string, partition: number): Promise<Producer> {
    const id = this.id(topic, partition);
    const existing = this.producers.get(id);
    if (existing) return existing;
    const producer = this.kafka.producer({
      ...PRODUCER_DEFAULTS,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionalId: id,
      allowAutoTopicCreation: false,
    });
    const ready = (async () => {
      await producer.connect();
      // kafkajs registers the transactional id (InitProducerId) when a first transaction begins.
      await (await producer.transaction()).abort();
      return producer;
    })();
    this.producers.set(id, ready);
    ready.catch(() => {
      if (this.producers.get(id) === ready) this.producers.delete(id);
      void producer.disconnect().catch(() => undefined);
    });
    return ready;
  }

  /** Drops the partition's producer after a failed transaction: the next one re-initialises the id. */
  async drop(topic: string, partition: number): Promise<void> {
    const id = this.id(topic, partition);
    const producer = this.producers.get(id);
    this.producers.delete(id);
    await disconnectQuietly(producer);
  }

  /**
   * On each assignment: closes the producers of partitions this member no longer owns, then makes
   * those of the partitions it owns; returns the reasons of the ones that could not be made yet.
   */
  async assign(assignment: Record<string, number[]>): Promise<unknown[]> {
    const owned = new Set(
      Object.entries(assignment).flatMap(([topic, partitions]) => partitions.map((p) => this.id(topic, p))),
    );
    for (const [id, producer] of this.producers) {
      if (owned.has(id)) continue;
      this.producers.delete(id);
      await disconnectQuietly(producer);
    }
    const made = Object.entries(assignment).flatMap(([topic, partitions]) =>
      partitions.map((partition) => this.get(topic, partition)),
    );
    return (await Promise.allSettled(made)).flatMap((result) => (result.status === "rejected" ? [result.reason] : []));
  }

  async closeAll(): Promise<void> {
    const all = [...this.producers.values()];
    this.producers.clear();
    await Promise.allSettled(all.map(disconnectQuietly));
  }
}

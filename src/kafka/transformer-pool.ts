import type { DeliveryMark } from "../core/outcome.js";
import type { ThreadBusy } from "../ops/thread-busy.js";
import type { ChunkOutputs } from "./outputs.js";
import type { RawMessage } from "./raw-message.js";
import type { ChunkTransformer } from "./transformer.js";

const keyOf = (topic: string, partition: number) => `${partition}:${topic}`;

/**
 * Several transform threads (CDP_TRANSFORM_THREADS) for a worker with cores to spare. A partition's
 * chunks go to one thread at a time, so they are answered in order and its dedupe memory is that
 * thread's window: repeats are caught among the partitions one thread handles, as they are among
 * the partitions one worker handles.
 *
 * Which thread: at every group join the partitions assigned are spread evenly over the threads,
 * each one staying on its thread while that thread has no more than its share. Placing each
 * partition once, when first seen, left threads idle after a rebalance: a worker that held six
 * partitions (0, 2 and 4 on its first thread) and kept 0, 2 and 4 when a second worker joined
 * (kafkajs's round-robin assignor deals them out so) transformed them all on one thread.
 *
 * Members can weigh differently: the event loop's own transformer (CDP_TRANSFORM_ON_MAIN) counts
 * as half a thread, because the event loop also runs kafkajs's fetching and produce encoding (about
 * 40% of a core at full speed here). Shares follow the weights: with one thread and the event loop,
 * three partitions are placed two and one, four three and one.
 *
 * A move never splits a partition's chunks: one with a chunk in flight stays where it is. Its
 * repeats from before the move are not caught after it, as when a rebalance moves a partition to
 * another worker. Forgetting reaches every thread the partition was transformed on, so that none
 * of them takes a delivery that was never written for a duplicate when it is fetched again.
 */
export class TransformerPool implements ChunkTransformer {
  /** Each partition's thread (an index into `transformers`). */
  private readonly placement = new Map<string, number>();
  /** Every thread each partition was transformed on: where its forgetting must reach. */
  private readonly visited = new Map<string, Set<number>>();
  /** Chunks of each partition sent to its thread and not answered yet. */
  private readonly inFlight = new Map<string, number>();

  /** Each transformer's weight (1 unless given): its share of the partitions is in proportion. */
  private readonly weights: readonly number[];

  constructor(
    private readonly transformers: readonly ChunkTransformer[],
    weights: readonly number[] = transformers.map(() => 1),
  ) {
    if (transformers.length === 0) throw new Error("a transformer pool needs at least one transformer");
    if (weights.length !== transformers.length || weights.some((weight) => !(weight > 0)))
      throw new Error("a transformer pool needs one positive weight per transformer");
    this.weights = weights;
  }

  assigned(assignment: Readonly<Record<string, readonly number[]>>): void {
    const keys = Object.entries(assignment).flatMap(([topic, partitions]) =>
      partitions.map((partition) => keyOf(topic, partition)),
    );
    const total = this.weights.reduce((sum, weight) => sum + weight, 0);
    const shares = this.weights.map((weight) => Math.ceil((keys.length * weight) / total));
    const next = new Map<string, number>();
    const counts = this.transformers.map(() => 0);
    const place = (key: string, index: number) => {
      next.set(key, index);
      counts[index] = (counts[index] ?? 0) + 1;
    };
    // A partition with a chunk in flight stays (its order), assigned or not; then the others that
    // have a thread keep it while it has room; the rest go where there is most room.
    for (const [key, chunks] of this.inFlight) {
      const at = this.placement.get(key);
      if (chunks > 0 && at !== undefined) place(key, at);
    }
    for (const key of keys) {
      const at = this.placement.get(key);
      if (!next.has(key) && at !== undefined && (counts[at] ?? 0) < (shares[at] ?? 0)) place(key, at);
    }
    for (const key of keys) if (!next.has(key)) place(key, leastLoaded(counts, this.weights));
    this.placement.clear();
    for (const [key, index] of next) this.placement.set(key, index);
  }

  /** The thread (index) a partition is transformed on: a partition not placed yet goes where there is most room. */
  threadOf(topic: string, partition: number): number {
    const key = keyOf(topic, partition);
    const known = this.placement.get(key);
    if (known !== undefined) return known;
    const counts = this.transformers.map(() => 0);
    for (const index of this.placement.values()) counts[index] = (counts[index] ?? 0) + 1;
    const chosen = leastLoaded(counts, this.weights);
    this.placement.set(key, chosen);
    return chosen;
  }

  transform(topic: string, partition: number, messages: readonly RawMessage[], now: number): Promise<ChunkOutputs> {
    const key = keyOf(topic, partition);
    const index = this.threadOf(topic, partition);
    const threads = this.visited.get(key) ?? new Set<number>();
    threads.add(index);
    this.visited.set(key, threads);
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    const answered = () => {
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left > 0) this.inFlight.set(key, left);
      else this.inFlight.delete(key);
    };
    const outputs = (this.transformers[index] as ChunkTransformer).transform(topic, partition, messages, now);
    outputs.then(answered, answered);
    return outputs;
  }

  forget(topic: string, partition: number, marks: readonly DeliveryMark[]): void {
    const threads = this.visited.get(keyOf(topic, partition)) ?? [this.threadOf(topic, partition)];
    for (const index of threads) this.transformers[index]?.forget(topic, partition, marks);
  }

  threadsBusy(): readonly ThreadBusy[] {
    return this.transformers.flatMap((transformer) => transformer.threadsBusy());
  }

  async close(): Promise<void> {
    await Promise.all(this.transformers.map((transformer) => transformer.close()));
  }
}

/** The index with the smallest count for its weight (the first of equals). */
function leastLoaded(counts: readonly number[], weights: readonly number[]): number {
  const load = (index: number) => (counts[index] ?? 0) / (weights[index] ?? 1);
  let best = 0;
  for (let index = 1; index < counts.length; index++) {
    if (load(index) < load(best)) best = index;
  }
  return best;
}

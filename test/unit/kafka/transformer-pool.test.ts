import { describe, expect, it } from "vitest";
import type { DeliveryMark } from "../../../src/core/outcome.js";
import type { ChunkOutputs } from "../../../src/kafka/outputs.js";
import type { ChunkTransformer } from "../../../src/kafka/transformer.js";
import { TransformerPool } from "../../../src/kafka/transformer-pool.js";

// CDP_TRANSFORM_THREADS=N: which thread transforms which partition, across group joins. The
// threads' outputs (the same as one inline transform's) are tested in transformer.test.ts.

const TOPIC = "cdp.raw.group";

/** A thread stand-in that records what reached it; each chunk is answered when the test says. */
class RecordingTransformer implements ChunkTransformer {
  readonly chunks: number[] = [];
  readonly forgotten: Array<{ partition: number; marks: readonly DeliveryMark[] }> = [];
  private readonly answers: Array<() => void> = [];

  transform(_topic: string, partition: number): Promise<ChunkOutputs> {
    this.chunks.push(partition);
    return new Promise((resolve) => this.answers.push(() => resolve({} as ChunkOutputs)));
  }

  forget(_topic: string, partition: number, marks: readonly DeliveryMark[]): void {
    this.forgotten.push({ partition, marks });
  }

  threadsBusy() {
    return [];
  }

  assigned(): void {}

  async close(): Promise<void> {}

  /** Answers every chunk sent so far. */
  async answerAll(): Promise<void> {
    for (const answer of this.answers.splice(0)) answer();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function poolOf(threads: number, weights?: readonly number[]) {
  const transformers = Array.from({ length: threads }, () => new RecordingTransformer());
  return { pool: new TransformerPool(transformers, weights), transformers };
}

const threadsOf = (pool: TransformerPool, partitions: readonly number[]) =>
  partitions.map((partition) => pool.threadOf(TOPIC, partition));

describe("transform threads: which partition where", () => {
  it("partitions first seen are spread evenly over the threads", () => {
    const { pool } = poolOf(2);
    expect(threadsOf(pool, [0, 1, 2, 3, 4, 5])).toEqual([0, 1, 0, 1, 0, 1]);
  });

  it("after a rebalance the partitions kept are spread again: no thread left idle", () => {
    const { pool } = poolOf(2);
    pool.assigned({ [TOPIC]: [0, 1, 2, 3, 4, 5] });
    expect(threadsOf(pool, [0, 2, 4])).toEqual([0, 0, 0]);
    // A second worker joined; round robin left this one 0, 2 and 4, all on the first thread.
    pool.assigned({ [TOPIC]: [0, 2, 4] });
    const placed = threadsOf(pool, [0, 2, 4]);
    expect(placed.filter((thread) => thread === 0)).toHaveLength(2);
    expect(placed.filter((thread) => thread === 1)).toHaveLength(1);
    // The ones that could stay did: only one partition moved.
    expect(placed.slice(0, 2)).toEqual([0, 0]);
  });

  it("a rebalance that leaves the spread even moves nothing, and new partitions fill the emptier threads", () => {
    const { pool } = poolOf(2);
    pool.assigned({ [TOPIC]: [0, 1, 2, 3] });
    const before = threadsOf(pool, [0, 1, 2, 3]);
    pool.assigned({ [TOPIC]: [0, 1, 2, 3], "cdp.raw.track": [0, 1] });
    expect(threadsOf(pool, [0, 1, 2, 3])).toEqual(before);
    expect([pool.threadOf("cdp.raw.track", 0), pool.threadOf("cdp.raw.track", 1)].sort()).toEqual([0, 1]);
  });

  it("a partition with a chunk in flight is not moved: its chunks are answered in order", async () => {
    const { pool, transformers } = poolOf(2);
    pool.assigned({ [TOPIC]: [0, 1, 2, 3, 4, 5] });
    const pending = pool.transform(TOPIC, 4, [], 0);
    pool.assigned({ [TOPIC]: [0, 2, 4] });
    // Partition 4 stays on the first thread while its chunk is out; 2 moves instead.
    expect(pool.threadOf(TOPIC, 4)).toBe(0);
    expect(threadsOf(pool, [0, 2, 4]).sort()).toEqual([0, 0, 1]);
    await transformers[0]?.answerAll();
    await pending;
    // Answered: at the next join it may move like any other.
    pool.assigned({ [TOPIC]: [4] });
    expect(pool.threadOf(TOPIC, 4)).toBe(0);
    pool.assigned({ [TOPIC]: [2, 4] });
    expect(threadsOf(pool, [2, 4]).sort()).toEqual([0, 1]);
  });

  it("forgetting reaches every thread the partition was transformed on", async () => {
    const { pool, transformers } = poolOf(2);
    pool.assigned({ [TOPIC]: [0, 1, 2, 3, 4, 5] });
    const first = pool.transform(TOPIC, 4, [], 0);
    await transformers[0]?.answerAll();
    await first;
    pool.assigned({ [TOPIC]: [0, 2, 4] });
    const moved = pool.threadOf(TOPIC, 4);
    const second = pool.transform(TOPIC, 4, [], 0);
    await transformers[moved]?.answerAll();
    await second;
    const marks: DeliveryMark[] = [{ messageId: "m-1", destinations: 1 }];
    pool.forget(TOPIC, 4, marks);
    // Its deliveries from before the move are in the first thread's window, later ones in the other's.
    const reached = transformers.map((transformer) => transformer.forgotten.length);
    expect(moved).toBe(1);
    expect(reached).toEqual([1, 1]);
  });

  it("a pool without threads is refused", () => {
    expect(() => new TransformerPool([])).toThrow(/at least one/);
  });
});

// CDP_TRANSFORM_ON_MAIN: the event loop's transformer weighs half a thread.
describe("transform threads and the event loop: shares by weight", () => {
  const count = (placed: readonly number[], index: number) => placed.filter((at) => at === index).length;

  it("partitions first seen: the event loop takes half a thread's share", () => {
    const { pool } = poolOf(2, [1, 0.5]);
    expect(threadsOf(pool, [0, 1, 2, 3, 4, 5])).toEqual([0, 1, 0, 0, 1, 0]);
  });

  it("at a group join three partitions go two and one, four three and one, six four and two", () => {
    for (const [partitions, thread, loop] of [
      [3, 2, 1],
      [4, 3, 1],
      [6, 4, 2],
    ] as const) {
      const { pool } = poolOf(2, [1, 0.5]);
      const all = Array.from({ length: partitions }, (_, partition) => partition);
      pool.assigned({ [TOPIC]: all });
      const placed = threadsOf(pool, all);
      expect([count(placed, 0), count(placed, 1)]).toEqual([thread, loop]);
    }
  });

  it("a lone partition goes to the thread, not the event loop", () => {
    const { pool } = poolOf(2, [1, 0.5]);
    pool.assigned({ [TOPIC]: [7] });
    expect(pool.threadOf(TOPIC, 7)).toBe(0);
  });

  it("after a rebalance the event loop keeps no more than its share", () => {
    const { pool } = poolOf(3, [1, 1, 0.5]);
    const all = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    pool.assigned({ [TOPIC]: all });
    const onLoop = all.filter((partition) => pool.threadOf(TOPIC, partition) === 2);
    expect(onLoop).toHaveLength(2);
    // The worker keeps only the partitions the event loop had, and one more: it keeps one of them.
    const kept = [...onLoop, all.find((partition) => !onLoop.includes(partition)) ?? -1];
    pool.assigned({ [TOPIC]: kept });
    const placed = threadsOf(pool, kept);
    expect(count(placed, 2)).toBe(1);
    expect(count(placed, 0) + count(placed, 1)).toBe(2);
  });

  it("weights must be one positive number per transformer", () => {
    const threads = [new RecordingTransformer(), new RecordingTransformer()];
    expect(() => new TransformerPool(threads, [1])).toThrow(/one positive weight/);
    expect(() => new TransformerPool(threads, [1, 0])).toThrow(/one positive weight/);
    expect(() => new TransformerPool(threads, [1, Number.NaN])).toThrow(/one positive weight/);
  });
});

import { describe, expect, it } from "vitest";
import { aboveFloor, CommittedFloors, type FloorEffects } from "../../../src/kafka/committed-floors.js";

// exactly-once's start offset: the committed offset is read only once the partition's
// transactional producer has fenced every predecessor, and records below it are skipped.

function fakes(committed: Array<bigint | undefined | Error>) {
  const log: string[] = [];
  let settled: () => void = () => undefined;
  const effects: FloorEffects = {
    settle(topic, partition) {
      log.push(`settle ${topic}-${partition}`);
      return new Promise<void>((resolve) => {
        settled = resolve;
      });
    },
    async fetch(topic, partition) {
      log.push(`fetch ${topic}-${partition}`);
      const next = committed.shift();
      if (next instanceof Error) throw next;
      return next;
    },
  };
  return { log, effects, settle: () => settled() };
}

const offsets = (...list: number[]) => list.map((offset) => ({ offset: String(offset) }));
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("exactly-once committed floor", () => {
  it("reads the committed offset only after the transactional producer has fenced its predecessors", async () => {
    const { log, effects, settle } = fakes([42n]);
    const floors = new CommittedFloors(effects);
    const floor = floors.floor("raw", 3);
    await tick();
    expect(log).toEqual(["settle raw-3"]);
    settle();
    expect(await floor).toBe(42n);
    expect(log).toEqual(["settle raw-3", "fetch raw-3"]);
  });

  it("reads a partition's floor once per generation, and again after a failed transaction or a new assignment", async () => {
    const { log, effects, settle } = fakes([10n, 20n, 30n]);
    const floors = new CommittedFloors(effects);
    const read = async () => {
      const floor = floors.floor("raw", 0);
      await tick();
      settle();
      return floor;
    };
    expect(await read()).toBe(10n);
    expect(await floors.floor("raw", 0)).toBe(10n);
    floors.forget("raw", 0);
    expect(await read()).toBe(20n);
    floors.clear();
    expect(await read()).toBe(30n);
    expect(log.filter((line) => line.startsWith("fetch"))).toHaveLength(3);
  });

  it("does not keep a failed read: the next batch reads again", async () => {
    const { effects, settle } = fakes([new Error("coordinator not available"), 7n]);
    const floors = new CommittedFloors(effects);
    const first = floors.floor("raw", 1);
    await tick();
    settle();
    await expect(first).rejects.toThrow("coordinator not available");
    const second = floors.floor("raw", 1);
    await tick();
    settle();
    expect(await second).toBe(7n);
  });

  it("skips the records below the floor and resolves the offset before it", () => {
    expect(aboveFloor(offsets(5, 6, 7, 8), 7n)).toEqual({ messages: offsets(7, 8), skippedThrough: "6" });
    expect(aboveFloor(offsets(5, 6), 9n)).toEqual({ messages: [], skippedThrough: "8" });
  });

  it("keeps every record when nothing is committed or the batch starts at the floor", () => {
    expect(aboveFloor(offsets(5, 6), undefined)).toEqual({ messages: offsets(5, 6) });
    expect(aboveFloor(offsets(5, 6), 5n)).toEqual({ messages: offsets(5, 6) });
    expect(aboveFloor(offsets(5, 6), 2n)).toEqual({ messages: offsets(5, 6) });
  });
});

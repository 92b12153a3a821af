import { describe, expect, it } from "vitest";
import type { DeliveryMark } from "../../../src/core/outcome.js";
import { type ChunkLoopEffects, runChunks } from "../../../src/kafka/chunk-loop.js";

// The worker's chunk loop with its effects faked: the order of sends and offset resolutions, and
// what is taken out of the dedupe window on each way a batch can end.

interface Record {
  offset: string;
}
interface Outputs {
  remembered: DeliveryMark[];
  first: string;
}

const records = (from: number, to: number): Record[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ offset: String(from + i) }));
/** Chunks of two records: [0,1], [2,3], ... */
const chunksOf = (count: number) => Array.from({ length: count }, (_, i) => records(2 * i, 2 * i + 1));

function fakes(overrides: Partial<ChunkLoopEffects<Record, Outputs>> = {}) {
  const log: string[] = [];
  const forgotten: string[] = [];
  const effects: ChunkLoopEffects<Record, Outputs> = {
    async transform(chunk) {
      const first = chunk[0]?.offset ?? "?";
      log.push(`transform ${first}`);
      return { first, remembered: [{ messageId: `m${first}`, destinations: 1 }] };
    },
    async send(outputs, nextOffset) {
      log.push(`send ${outputs.first} next ${nextOffset}`);
    },
    resolveOffset: (offset) => log.push(`resolve ${offset}`),
    delivered: () => undefined,
    heartbeat: async () => undefined,
    forget: (marks) => forgotten.push(...marks.map((m) => m.messageId)),
    sendFailed: (error) => log.push(`failed ${error.message}`),
    active: () => true,
    ...overrides,
  };
  return { effects, log, forgotten };
}

describe("the chunk loop", () => {
  it("sends chunks in input order, each after the one before it is acknowledged, and resolves each one's last offset", async () => {
    const { effects, log, forgotten } = fakes();
    const result = await runChunks(chunksOf(3), effects);
    expect(result).toEqual({ failed: false });
    expect(log).toEqual([
      "transform 0",
      "send 0 next 2",
      "transform 2",
      "resolve 1",
      "send 2 next 4",
      "transform 4",
      "resolve 3",
      "send 4 next 6",
      "resolve 5",
    ]);
    expect(forgotten).toEqual([]);
  });

  it("a failed send stops the batch unresolved, and forgets that chunk and the one transformed ahead of it", async () => {
    const { effects, log, forgotten } = fakes({
      async send(outputs) {
        log.push(`send ${outputs.first}`);
        if (outputs.first === "2") throw new Error("NOT_LEADER");
      },
    });
    const result = await runChunks(chunksOf(4), effects);
    expect(result).toEqual({ failed: true });
    expect(log).not.toContain("resolve 3");
    expect(log).not.toContain("send 4");
    expect(log).toContain("failed NOT_LEADER");
    expect(forgotten.sort()).toEqual(["m2", "m4"]);
  });

  it("a heartbeat that throws (a rebalance) still forgets the chunk transformed ahead, never sent (it was lost: skipped as a duplicate when fetched again)", async () => {
    let beats = 0;
    const { effects, log, forgotten } = fakes({
      async heartbeat() {
        beats++;
        throw new Error("The group is rebalancing, so a rejoin is needed");
      },
    });
    await expect(runChunks(chunksOf(3), effects)).rejects.toThrow(/rebalancing/);
    expect(beats).toBe(1);
    expect(log).toContain("resolve 1"); // the delivered chunk stays resolved
    expect(log).not.toContain("send 2 next 4");
    expect(forgotten).toEqual(["m2"]);
  });

  it("a transform that throws with a chunk in flight: the chunk's offset resolves once it is acknowledged", async () => {
    const { effects, log, forgotten } = fakes({
      async transform(chunk) {
        const first = chunk[0]?.offset ?? "?";
        if (first === "2") throw new Error("the transform thread failed");
        return { first, remembered: [{ messageId: `m${first}`, destinations: 1 }] };
      },
    });
    await expect(runChunks(chunksOf(3), effects)).rejects.toThrow(/transform thread/);
    expect(log).toEqual(["send 0 next 2", "resolve 1"]);
    expect(forgotten).toEqual([]);
  });

  it("a chunk in flight that fails while the transform throws is forgotten and not resolved", async () => {
    const { effects, log, forgotten } = fakes({
      async transform(chunk) {
        const first = chunk[0]?.offset ?? "?";
        if (first === "2") throw new Error("the transform thread failed");
        return { first, remembered: [{ messageId: `m${first}`, destinations: 1 }] };
      },
      async send() {
        throw new Error("broker down");
      },
    });
    await expect(runChunks(chunksOf(2), effects)).rejects.toThrow(/transform thread/);
    expect(log.filter((line) => line.startsWith("resolve"))).toEqual([]);
    expect(forgotten).toEqual(["m0"]);
  });

  it("a partition revoked while a chunk is in flight: that chunk resolves, the one transformed ahead is forgotten and not sent", async () => {
    let active = true;
    const { effects, log, forgotten } = fakes({
      async transform(chunk) {
        const first = chunk[0]?.offset ?? "?";
        log.push(`transform ${first}`);
        if (first === "2") active = false; // the revocation arrives while the first chunk is in flight
        return { first, remembered: [{ messageId: `m${first}`, destinations: 1 }] };
      },
      active: () => active,
    });
    const result = await runChunks(chunksOf(3), effects);
    expect(result).toEqual({ failed: false });
    expect(log).toEqual(["transform 0", "send 0 next 2", "transform 2", "resolve 1"]);
    expect(forgotten).toEqual(["m2"]);
  });

  it("offsets beyond 2^53 resolve exactly", async () => {
    const { effects, log } = fakes();
    await runChunks([[{ offset: "9007199254740993" }]], effects);
    expect(log).toContain("send 9007199254740993 next 9007199254740994");
    expect(log).toContain("resolve 9007199254740993");
  });
});

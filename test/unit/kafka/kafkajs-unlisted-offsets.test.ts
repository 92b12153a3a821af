import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { stockModule } from "../../../src/bench/kafkajs-stock.js";

// kafkajs's OffsetManager.resolveOffsets, patched at install
// (patches/kafkajs-2.2.4/src/consumer/offsetManager/index.js, docs/kafkajs-patch.md). A fault
// campaign (seed 4110186414, at-least-once) raised the input topic's partitions from 7 to 8 while
// brokers were killed; a worker assigned the new partition asked for its starting offset, the
// cluster's metadata had no leader for it yet, and kafkajs's listing left it out. Stock kafkajs
// then read the missing offset and crashed the consumer with a TypeError, non-retriable: the
// worker exited. The real method is driven with a fake cluster and coordinator.

const require = createRequire(import.meta.url);

interface OffsetManager {
  resolveOffsets(): Promise<void>;
  committedOffsets(): Record<string, Record<string, string>>;
}

type OffsetManagerClass = new (options: Record<string, unknown>) => OffsetManager;

/** A group with no committed offsets for partitions 0 and 7 of `t`; the listing answers only `listed`. */
function offsetManager(implementation: unknown, listed: readonly number[]) {
  let refreshes = 0;
  const coordinator = {
    isConnected: () => true,
    offsetFetch: async () => ({
      responses: [
        {
          topic: "t",
          partitions: [
            { partition: 0, offset: "-1" },
            { partition: 7, offset: "-1" },
          ],
        },
      ],
    }),
  };
  // The cluster keeps a group's committed offsets (the same object for every offset manager).
  const committed = {};
  const cluster = {
    committedOffsets: () => committed,
    refreshMetadata: async () => {
      refreshes++;
    },
    fetchTopicsOffset: async () =>
      listed.length === 0
        ? []
        : [{ topic: "t", partitions: listed.map((partition) => ({ partition, offset: String(100 + partition) })) }],
  };
  const Manager = implementation as OffsetManagerClass;
  const manager = new Manager({
    cluster,
    coordinator,
    memberAssignment: { t: [0, 7] },
    autoCommit: false,
    topicConfigurations: { t: { fromBeginning: true } },
    groupId: "g",
    generationId: 1,
    memberId: "m",
  });
  return { manager, refreshes: () => refreshes };
}

const FILE = "src/consumer/offsetManager/index.js";
const PATCHED = require(`kafkajs/${FILE}`) as unknown;

describe("kafkajs consumer offsets for a partition its listing left out (patched)", () => {
  it("fails retriably, after a metadata refresh, naming the partition", async () => {
    const { manager, refreshes } = offsetManager(PATCHED, [0]);
    const failure = await manager.resolveOffsets().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ name: "KafkaJSError", retriable: true });
    expect((failure as Error).message).toContain("t[7]");
    expect(refreshes()).toBe(1);
  });

  it("fails the same way when the listing leaves out the whole topic", async () => {
    const { manager } = offsetManager(PATCHED, []);
    await expect(manager.resolveOffsets()).rejects.toMatchObject({ retriable: true });
  });

  it("resolves every partition as stock kafkajs does when all are listed", async () => {
    const patched = offsetManager(PATCHED, [0, 7]);
    const stock = offsetManager(stockModule(FILE), [0, 7]);
    await patched.manager.resolveOffsets();
    await stock.manager.resolveOffsets();
    expect(patched.manager.committedOffsets()).toEqual({ t: { 0: "100", 7: "107" } });
    expect(patched.manager.committedOffsets()).toEqual(stock.manager.committedOffsets());
    expect(patched.refreshes()).toBe(0);
  });

  it("stock kafkajs crashes with a TypeError when the topic is left out (the failure the campaign saw)", async () => {
    const { manager } = offsetManager(stockModule(FILE), []);
    await expect(manager.resolveOffsets()).rejects.toThrow(TypeError);
  });

  it("stock kafkajs takes a partition left out of a partial listing as resolved, with no offset", async () => {
    const { manager } = offsetManager(stockModule(FILE), [0]);
    await manager.resolveOffsets();
    const offsets = manager.committedOffsets().t ?? {};
    expect(offsets[0]).toBe("100");
    expect(Object.hasOwn(offsets, 7) && offsets[7] === undefined).toBe(true);
  });
});

import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { silentKafkajsLogger } from "../../support/kafkajs-logger.js";

// kafkajs 2.2.4's transaction manager, patched at install (docs/kafkajs-patch.md), driven with a
// fake coordinator. The coordinator answers EndTxn before it has written the transaction's
// markers, and refuses the next transaction's first AddPartitionsToTxn / AddOffsetsToTxn with
// CONCURRENT_TRANSACTIONS until it has. Stock kafkajs threw that to the producer's retrier (a
// 300 ms wait by default, measured on every back-to-back transaction of an exactly-once worker);
// patched, the manager asks again after 20 ms, a bounded number of times.

const require = createRequire(import.meta.url);
const createEosManager = require("kafkajs/src/producer/eosManager/index.js") as (options: object) => EosManager;
const { createErrorFromCode } = require("kafkajs/src/protocol/error.js") as {
  createErrorFromCode(code: number): Error & { type: string };
};

interface EosManager {
  initProducerId(): Promise<void>;
  beginTransaction(): void;
  addPartitionsToTransaction(
    topicData: Array<{ topic: string; partitions: Array<{ partition: number }> }>,
  ): Promise<void>;
  sendOffsets(request: { consumerGroupId: string; topics: unknown[] }): Promise<void>;
}

const CONCURRENT_TRANSACTIONS = 51;
const INVALID_PRODUCER_EPOCH = 47;

/** A transaction coordinator that refuses the first `refusals` calls of each kind with `code`. */
function coordinator(refusals: number, code = CONCURRENT_TRANSACTIONS) {
  const calls = { addPartitionsToTxn: 0, addOffsetsToTxn: 0 };
  const refuseFirst = (name: keyof typeof calls) => async () => {
    calls[name] += 1;
    if (calls[name] <= refusals) throw createErrorFromCode(code);
  };
  const broker = {
    initProducerId: async () => ({ producerId: 7, producerEpoch: 0 }),
    addPartitionsToTxn: refuseFirst("addPartitionsToTxn"),
    addOffsetsToTxn: refuseFirst("addOffsetsToTxn"),
    txnOffsetCommit: async () => undefined,
  };
  const cluster = {
    // The producer's own retrier is out of the picture: what is checked is the manager's answer.
    retry: { retries: 0 },
    refreshMetadataIfNecessary: async () => undefined,
    findGroupCoordinator: async () => broker,
  };
  return { calls, cluster };
}

async function inTransaction(cluster: object): Promise<EosManager> {
  const manager = createEosManager({
    logger: silentKafkajsLogger,
    cluster,
    transactional: true,
    transactionalId: "g.topic.0",
  });
  await manager.initProducerId();
  manager.beginTransaction();
  return manager;
}

const partitions = [{ topic: "cdp.dest.customerio", partitions: [{ partition: 0 }] }];

describe("kafkajs patch: back-to-back transactions", () => {
  it("adds the partitions once the previous transaction's markers are written (CONCURRENT_TRANSACTIONS asked again)", async () => {
    const { calls, cluster } = coordinator(3);
    const manager = await inTransaction(cluster);
    await manager.addPartitionsToTransaction(partitions);
    expect(calls.addPartitionsToTxn).toBe(4);
  });

  it("adds the offsets the same way when they are the transaction's first addition", async () => {
    const { calls, cluster } = coordinator(2);
    const manager = await inTransaction(cluster);
    await manager.sendOffsets({
      consumerGroupId: "g",
      topics: [{ topic: "raw", partitions: [{ partition: 0, offset: "10" }] }],
    });
    expect(calls.addOffsetsToTxn).toBe(3);
  });

  it("gives up after a bounded number of attempts and hands the error to the producer's retry", async () => {
    const { calls, cluster } = coordinator(1_000);
    const manager = await inTransaction(cluster);
    await expect(manager.addPartitionsToTransaction(partitions)).rejects.toMatchObject({
      type: "CONCURRENT_TRANSACTIONS",
    });
    expect(calls.addPartitionsToTxn).toBe(25);
  });

  it("does not ask again on any other error (a fenced producer fails at once)", async () => {
    const { calls, cluster } = coordinator(1, INVALID_PRODUCER_EPOCH);
    const manager = await inTransaction(cluster);
    await expect(manager.addPartitionsToTransaction(partitions)).rejects.toMatchObject({
      type: "INVALID_PRODUCER_EPOCH",
    });
    expect(calls.addPartitionsToTxn).toBe(1);
  });
});

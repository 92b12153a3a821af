import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { afterEach, describe, expect, it } from "vitest";
import { silentKafkajsLogger } from "../../support/kafkajs-logger.js";

// kafkajs 2.2.4's consumer runner, patched at install (docs/kafkajs-patch.md), driven with a fake
// consumer group. Stock kafkajs awaited an OffsetCommit after every eachBatch, whatever
// autoCommitInterval said: a round trip per partition and batch on the way to the next fetch
// (at 5,000 events/s, three of them per fetch cycle). Patched, commits follow the interval, off
// the batch's path, at most one at a time; an idle consumer still commits at the interval, and
// stop() commits what is left before leaving the group.

const require = createRequire(import.meta.url);
const RUNNER = "kafkajs/src/consumer/runner.js";

interface Runner {
  running: boolean;
  consuming: boolean;
  fetchManager: { stop(): Promise<void> };
  handleBatch(batch: unknown): Promise<void>;
  stop(): Promise<void>;
}
type RunnerClass = new (options: Record<string, unknown>) => Runner;

const logger = silentKafkajsLogger;

/** A commit the test settles when it wants; until then it is in flight. */
interface Pending {
  resolve(): void;
  reject(error: Error): void;
}

/** The consumer group's side of the runner, recording every call in order. */
function fakeGroup() {
  const calls: string[] = [];
  const pending: Pending[] = [];
  const inFlight = (name: string) => {
    calls.push(name);
    return new Promise<void>((resolve, reject) => pending.push({ resolve, reject }));
  };
  return {
    calls,
    pending,
    group: {
      groupId: "g",
      // What the worker sets (CDP_COMMIT_INTERVAL_MS): commits on a schedule.
      autoCommitInterval: 5000 as number | null,
      memberId: "m",
      commitOffsets: () => inFlight("commitOffsets"),
      commitOffsetsIfNecessary: () => inFlight("commitOffsetsIfNecessary"),
      heartbeat: async () => undefined,
      resolveOffset: () => calls.push("resolveOffset"),
      leave: async () => {
        calls.push("leave");
      },
      pause() {},
      resume() {},
      hasSeekOffset: () => false,
      uncommittedOffsets: () => ({ topics: [] }),
    },
  };
}

function batch(messages: number) {
  const list = Array.from({ length: messages }, (_, i) => ({ offset: String(i), value: Buffer.from("x") }));
  return {
    topic: "t",
    partition: 0,
    highWatermark: String(messages),
    messages: list,
    offsetLag: () => "0",
    offsetLagLow: () => "0",
    firstOffset: () => (messages ? "0" : null),
    lastOffset: () => String(messages - 1),
    isEmpty: () => messages === 0,
    isEmptyDueToFiltering: () => false,
  };
}

function runner(Runner: RunnerClass, group: object, autoCommit = true): Runner {
  const instance = new Runner({
    logger,
    consumerGroup: group,
    instrumentationEmitter: { emit() {} },
    eachBatchAutoResolve: false,
    concurrency: 1,
    eachBatch: async () => undefined,
    heartbeatInterval: 1000,
    onCrash() {},
    retry: {},
    autoCommit,
  });
  instance.running = true;
  return instance;
}

/** Whether `promise` settles within a few event-loop turns. */
async function settles(promise: Promise<unknown>): Promise<boolean> {
  return Promise.race([
    promise.then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 50)),
  ]);
}

const Patched = require(RUNNER) as RunnerClass;

describe("kafkajs consumer runner (patched): commits at the interval, off the fetch loop's path", () => {
  afterEach(() => {
    process.removeAllListeners("unhandledRejection");
  });

  it("a batch ends without waiting for an offset commit, and asks only for one the interval calls for", async () => {
    const { group, calls } = fakeGroup();
    const consumer = runner(Patched, group);
    expect(await settles(consumer.handleBatch(batch(3)))).toBe(true);
    expect(calls).toEqual(["commitOffsetsIfNecessary"]);
  });

  it("at most one commit is in flight; the next batch after it ends asks again", async () => {
    const { group, calls, pending } = fakeGroup();
    const consumer = runner(Patched, group);
    await consumer.handleBatch(batch(3));
    await consumer.handleBatch(batch(3));
    expect(calls).toEqual(["commitOffsetsIfNecessary"]);
    pending[0]?.resolve();
    await new Promise((resolve) => setTimeout(resolve, 0));
    await consumer.handleBatch(batch(3));
    expect(calls).toEqual(["commitOffsetsIfNecessary", "commitOffsetsIfNecessary"]);
  });

  it("a commit that fails surfaces nowhere and is asked for again at the next batch", async () => {
    const unhandled: unknown[] = [];
    process.on("unhandledRejection", (reason) => unhandled.push(reason));
    const { group, calls, pending } = fakeGroup();
    const consumer = runner(Patched, group);
    await consumer.handleBatch(batch(3));
    pending[0]?.reject(new Error("The coordinator is loading"));
    await new Promise((resolve) => setTimeout(resolve, 10));
    await consumer.handleBatch(batch(3));
    expect(calls).toEqual(["commitOffsetsIfNecessary", "commitOffsetsIfNecessary"]);
    expect(unhandled).toEqual([]);
  });

  it("an idle partition (an empty fetch) still commits at the interval", async () => {
    const { group, calls } = fakeGroup();
    const consumer = runner(Patched, group);
    await consumer.handleBatch(batch(0));
    expect(calls).toEqual(["commitOffsetsIfNecessary"]);
  });

  it("stop() waits for a commit in flight, commits what is left, then leaves the group", async () => {
    const { group, calls, pending } = fakeGroup();
    const consumer = runner(Patched, group);
    consumer.fetchManager = { stop: async () => undefined };
    consumer.consuming = false;
    await consumer.handleBatch(batch(3));
    const stopped = consumer.stop();
    expect(await settles(stopped)).toBe(false);
    expect(calls).toEqual(["commitOffsetsIfNecessary"]);
    pending[0]?.resolve();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls).toEqual(["commitOffsetsIfNecessary", "commitOffsets"]);
    pending[1]?.resolve();
    await stopped;
    expect(calls).toEqual(["commitOffsetsIfNecessary", "commitOffsets", "leave"]);
  });

  it("without autoCommit (exactly-once commits in its transactions) the runner commits nothing", async () => {
    const { group, calls } = fakeGroup();
    const consumer = runner(Patched, group, false);
    consumer.fetchManager = { stop: async () => undefined };
    consumer.consuming = false;
    await consumer.handleBatch(batch(3));
    await consumer.handleBatch(batch(0));
    await consumer.stop();
    expect(calls).toEqual(["leave"]);
  });

  it("a consumer given no interval or threshold still commits after every batch, as stock kafkajs does", async () => {
    const { group, calls, pending } = fakeGroup();
    group.autoCommitInterval = null;
    const consumer = runner(Patched, group);
    const handled = consumer.handleBatch(batch(3));
    expect(await settles(handled)).toBe(false);
    expect(calls).toEqual(["commitOffsets"]);
    pending[0]?.resolve();
    await handled;
    await consumer.handleBatch(batch(0));
    expect(calls).toEqual(["commitOffsets"]);
  });

  it("the check can fail: stock kafkajs holds the batch until an unconditional commit answers", async () => {
    const stockFile = require.resolve(RUNNER).replace("/src/consumer/runner.js", "/.stock/src/consumer/runner.js");
    // The stock copy the install keeps, loaded as a module of its own beside the patched one.
    const source = readFileSync(stockFile, "utf8");
    const module = { exports: {} as unknown };
    const load = new Function("require", "module", "exports", "__filename", "__dirname", source);
    const requireFromKafkajs = createRequire(require.resolve(RUNNER));
    load(requireFromKafkajs, module, module.exports, stockFile, stockFile.replace(/\/[^/]+$/, ""));
    const Stock = module.exports as RunnerClass;
    const { group, calls } = fakeGroup();
    const consumer = runner(Stock, group);
    expect(await settles(consumer.handleBatch(batch(3)))).toBe(false);
    expect(calls).toEqual(["commitOffsets"]);
  });
});

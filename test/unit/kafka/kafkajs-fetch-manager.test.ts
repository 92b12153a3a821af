import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { silentKafkajsLogger } from "../../support/kafkajs-logger.js";

// kafkajs 2.2.4's consumer fetch manager, patched at install (docs/kafkajs-patch.md), driven with
// fakes: a stop() that comes while it re-creates its fetchers after a broker change must end it.
// In stock kafkajs the new fetchers kept calling a stopped runner's fetch(), which answers []
// at once: a loop of microtasks that starved the event loop, and a worker told to stop by
// SIGTERM never exited (a chaos campaign run waited 20 minutes on one).

const require = createRequire(import.meta.url);
const { KafkaJSFetcherRebalanceError } = require("kafkajs/src/errors.js") as {
  KafkaJSFetcherRebalanceError: new () => Error;
};
interface FetchManager {
  start(): Promise<void>;
  stop(): Promise<void>;
}
const createFetchManager = require("kafkajs/src/consumer/fetchManager.js") as (options: {
  logger: unknown;
  getNodeIds: () => number[];
  fetch: (nodeId: number) => Promise<unknown[]>;
  handler: () => Promise<void>;
  concurrency: number;
}) => FetchManager;

const logger = silentKafkajsLogger;
const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("kafkajs fetch manager (patched)", () => {
  it("a stop during a fetcher rebalance (a broker joined or left) ends start(); no fetcher keeps calling a stopped runner", async () => {
    let nodes = [1];
    let runnerRunning = true;
    let callsAfterStop = 0;
    let manager: FetchManager | undefined;
    let stopping: Promise<void> | undefined;
    const getNodeIds = () => {
      const current = nodes;
      // The moment the broker set changes is the moment the runner is told to stop (SIGTERM).
      if (current.length === 2 && runnerRunning) {
        runnerRunning = false;
        stopping = manager?.stop();
      }
      return current;
    };
    manager = createFetchManager({
      logger,
      getNodeIds,
      // Like kafkajs's runner: a long poll while running, [] at once once stopped.
      fetch: async () => {
        if (runnerRunning) {
          await later(5);
          return [];
        }
        callsAfterStop++;
        // Stock kafkajs spins here for ever; end the spin so that this test can fail instead of hang.
        if (callsAfterStop > 1_000) throw new Error("fetching against a stopped runner without end");
        return [];
      },
      handler: async () => {},
      concurrency: 1,
    });
    const started = manager.start().then(
      () => "ended",
      (error: Error) => error.message,
    );
    await later(20);
    nodes = [1, 2];
    expect(await started).toBe("ended");
    await stopping;
    expect(callsAfterStop).toBeLessThanOrEqual(1);
  });

  it("without a stop, a broker change still re-creates the fetchers and fetching goes on", async () => {
    let nodes = [1];
    const fetchedBy = new Set<number>();
    const manager = createFetchManager({
      logger,
      getNodeIds: () => nodes,
      fetch: async (nodeId) => {
        fetchedBy.add(nodeId);
        await later(2);
        return [];
      },
      handler: async () => {},
      concurrency: 1,
    });
    const started = manager.start();
    await later(15);
    nodes = [1, 2];
    await later(30);
    expect(fetchedBy).toEqual(new Set([1, 2]));
    await manager.stop();
    await started;
    expect(KafkaJSFetcherRebalanceError).toBeDefined();
  });
});

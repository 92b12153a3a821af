import type { Server } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { kafkaClient } from "../kafka/client.js";
import { isSurvivableCrash, RestartBudget } from "../kafka/crash-policy.js";
import { Worker } from "../kafka/worker.js";
import { startHttpServer } from "../ops/http-server.js";
import { createLogger } from "../ops/logger.js";
import { WorkerMetrics } from "../ops/metrics.js";
import type { WorkerConfig } from "../ops/worker-config.js";

const asError = (value: unknown): Error => (value instanceof Error ? value : new Error(String(value)));

/**
 * Runs the worker in this process until SIGTERM/SIGINT (clean stop, exit 0). A consumer crash the
 * cluster survives (a broker stalled or failing over) stops the worker and starts a fresh one in
 * this process: new connections, transform thread, dedupe window and producers, exactly as a
 * supervisor's restart would give, without one. Any other crash, or survivable crashes past the
 * restart budget, exits 1 so that Kubernetes or systemd restarts the process.
 */
export async function runWorker(config: WorkerConfig): Promise<void> {
  const logger = createLogger(config.logLevel);
  const metrics = new WorkerMetrics();
  const budget = new RestartBudget(config.maxRestarts);
  let server: Server | undefined;
  let stopping = false;
  let restarting = false;

  const create = (): Worker =>
    new Worker(kafkaClient(config, logger), config, logger, metrics, (error) => void crashed(error));
  let worker = create();

  const crashed = async (error: Error) => {
    if (stopping || restarting) return;
    const delay = isSurvivableCrash(error) ? budget.next(Date.now()) : undefined;
    if (delay === undefined) {
      logger.fatal({ err: error }, "exiting after a consumer crash");
      process.exit(1);
    }
    restarting = true;
    logger.warn(
      { err: error, delayMs: delay },
      "the consumer crashed on a fault the cluster survives; restarting the worker in this process",
    );
    await worker.stop();
    await sleep(delay);
    restarting = false;
    if (stopping) return;
    worker = create();
    // A fresh worker that cannot start (the broker it needs still down) is one more crash, never an
    // unhandled rejection: the first chaos campaign found that path ending the process.
    await worker.start().catch((startError: unknown) => crashed(asError(startError)));
  };
  // kafkajs sometimes lets a connection error escape as an unhandled rejection (a broker killed
  // under an admin or producer connection): survivable ones restart the worker, others exit 1.
  process.on("unhandledRejection", (reason) => {
    logger.error({ err: reason }, "unhandled rejection");
    void crashed(asError(reason));
  });

  if (config.httpPort > 0) {
    server = await startHttpServer(
      config.httpPort,
      { live: () => worker.state.live || restarting, ready: () => worker.state.ready },
      metrics,
    );
    logger.info({ port: config.httpPort }, "serving /healthz, /readyz and /metrics");
  }
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping");
    await worker.stop();
    server?.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
  await worker.start();
}

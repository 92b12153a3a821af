import type { Server } from "node:http";
import { kafkaClient } from "../kafka/client.js";
import { Worker } from "../kafka/worker.js";
import { startHttpServer } from "../ops/http-server.js";
import { createLogger } from "../ops/logger.js";
import { WorkerMetrics } from "../ops/metrics.js";
import type { WorkerConfig } from "../ops/worker-config.js";

/**
 * Runs the worker in this process until SIGTERM/SIGINT (clean stop, exit 0) or a consumer crash
 * (exit 1, so that Kubernetes or systemd restarts it).
 */
export async function runWorker(config: WorkerConfig): Promise<void> {
  const logger = createLogger(config.logLevel);
  const metrics = new WorkerMetrics();
  let server: Server | undefined;
  const worker = new Worker(kafkaClient(config, logger), config, logger, metrics, (error) => {
    logger.fatal({ err: error }, "exiting after a consumer crash");
    process.exit(1);
  });
  if (config.httpPort > 0) {
    server = await startHttpServer(
      config.httpPort,
      { live: () => worker.state.live, ready: () => worker.state.ready },
      metrics,
    );
    logger.info({ port: config.httpPort }, "serving /healthz, /readyz and /metrics");
  }
  let stopping = false;
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

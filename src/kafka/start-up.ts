import { setTimeout as sleep } from "node:timers/promises";
import type { Kafka } from "kafkajs";
import { RecordEncoder } from "../avro/encoder.js";
import { RegistryAdmin } from "../avro/schema-registry.js";
import { outputSchemas } from "../avro/schemas.js";
import type { Logger } from "../ops/logger.js";
import { classifyOperational } from "../ops/operational-errors.js";
import type { WorkerConfig } from "../ops/worker-config.js";
import { checkKafkaTls } from "./client.js";
import { backoffDelay } from "./partition-backoff.js";
import { ensureTopics } from "./topic-admin.js";
import { ALL_TOPICS, OUTPUT_TOPICS } from "./topics.js";
import { type ChunkTransformer, InlineTransformer, ThreadTransformer } from "./transformer.js";
import { TransformerPool } from "./transformer-pool.js";

/**
 * A start-up step, retried with capped exponential backoff while `running()`, unless the error is
 * one no retry cures (ops/operational-errors): that one is thrown at once, classified.
 */
export async function withRetries<T>(
  what: string,
  work: () => Promise<T>,
  running: () => boolean,
  logger: Logger,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      // Refused credentials, an untrusted certificate, an incompatible schema: no retry cures them.
      const classified = classifyOperational(error);
      if (classified && !classified.retriable) throw classified;
      if (!running()) throw error;
      const delay = backoffDelay(attempt);
      logger.warn({ err: error, attempt, delayMs: delay }, `${what} failed; retrying`);
      await sleep(delay);
    }
  }
}

/** The registry client for the configured URL and credentials. */
export function registryAdmin(config: WorkerConfig): RegistryAdmin {
  const { url, username, password } = config.registry;
  return new RegistryAdmin(url, username ? { username, password: password ?? "" } : undefined);
}

/**
 * Everything the worker needs before it joins its group: Kafka reachable, every topic there
 * (created when missing), the schemas registered, and the transformer chosen (on its own thread,
 * or inline). `onThreadFailure` is told when the transform thread dies.
 */
export async function prepareWorker(
  kafka: Kafka,
  config: WorkerConfig,
  logger: Logger,
  /** A replay's shadow-topic prefix: those topics are created and their subjects registered. */
  outputPrefix: string,
  running: () => boolean,
  onThreadFailure: (error: Error) => void,
): Promise<ChunkTransformer> {
  const admin = kafka.admin();
  await withRetries(
    "connecting to Kafka",
    async () => {
      await checkKafkaTls(config);
      await admin.connect();
    },
    running,
    logger,
  );
  const outputs = outputPrefix === "" ? [] : OUTPUT_TOPICS.map((topic) => `${outputPrefix}${topic}`);
  const topics = [...new Set([...config.inputTopics, ...ALL_TOPICS, ...outputs])];
  const plan = await withRetries(
    "creating topics",
    () => ensureTopics(admin, topics, config.topicPartitions, config.topicReplication),
    running,
    logger,
  );
  await admin.disconnect();
  if (plan.created.length > 0) logger.info({ topics: plan.created }, "created topics");

  const registry = registryAdmin(config);
  const encoder = await withRetries(
    "registering schemas",
    () => RecordEncoder.create(registry, outputSchemas(outputPrefix)),
    running,
    logger,
  );
  const setup = {
    pipeline: config.pipeline,
    workerId: config.workerId,
    maxRecordBytes: config.maxRecordBytes,
    outputPrefix,
  };
  if (!config.transformThread) return new InlineTransformer(setup, encoder);
  const threadSetup = { ...setup, schemaIds: encoder.schemaIds() };
  const threads = Array.from({ length: config.transformThreads }, () =>
    ThreadTransformer.start(threadSetup, onThreadFailure),
  );
  if (!config.transformOnMain)
    return threads.length === 1 ? (threads[0] as ThreadTransformer) : new TransformerPool(threads);
  // The event loop takes a share too (the default), half a thread's: kafkajs's fetching and
  // produce encoding keep it about 40% busy at full speed, the rest is idle while the thread is
  // the limit. Its own transforms cost memory, which WORKER_NODE_FLAGS' heap growth limit pays
  // back (README, "Memory").
  return new TransformerPool([...threads, new InlineTransformer(setup, encoder)], [...threads.map(() => 1), 0.5]);
}

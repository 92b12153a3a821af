import { setTimeout as sleep } from "node:timers/promises";
import type { Consumer, EachBatchPayload, Kafka, Message, Producer, ProducerConfig } from "kafkajs";
import { loadTopicSchemas } from "../avro/schemas.js";
import type { Logger } from "../ops/logger.js";
import type { WorkerMetrics } from "../ops/metrics.js";
import type { WorkerConfig } from "../ops/worker-config.js";
import { createPipeline, type Pipeline } from "../pipeline/pipeline.js";
import { RecordEncoder } from "./encoder.js";
import { chunkOutputs } from "./outputs.js";
import { JavaCompatiblePartitioner } from "./partitioner.js";
import { RegistryAdmin } from "./schema-registry.js";
import { ensureTopics } from "./topic-admin.js";
import { ALL_TOPICS } from "./topics.js";

/** Retries a transient failure (broker or registry unavailable) with capped exponential backoff while `running()`. */
async function withRetries<T>(
  what: string,
  work: () => Promise<T>,
  running: () => boolean,
  logger: Logger,
  metrics?: WorkerMetrics,
  /** Inside a batch: keeps the consumer's session alive while it waits (kafkajs heartbeats only when asked). */
  heartbeat?: () => Promise<void>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!running()) throw error;
      const delay = Math.min(30_000, 250 * 2 ** Math.min(attempt, 7));
      metrics?.retries.inc();
      logger.warn({ err: error, attempt, delayMs: delay }, `${what} failed; retrying`);
      for (let waited = 0; waited < delay; waited += 1_000) {
        await heartbeat?.().catch(() => undefined);
        await sleep(Math.min(1_000, delay - waited));
      }
    }
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

function topicMessages(byTopic: Map<string, Message[]>): Array<{ topic: string; messages: Message[] }> {
  return [...byTopic.entries()].map(([topic, messages]) => ({ topic, messages }));
}

/**
 * Producers: a Java-compatible partitioner (the same partitions as kafkajs's DefaultPartitioner,
 * without its per-message allocations; set explicitly, which also silences kafkajs's migration
 * warning), and a few quick retries inside kafkajs. Longer outages are retried
 * by the worker's own loop, which heartbeats while it waits: a send blocked inside kafkajs for
 * longer than the session timeout would get the member evicted from its group.
 */
export const PRODUCER_DEFAULTS: ProducerConfig = {
  createPartitioner: JavaCompatiblePartitioner,
  allowAutoTopicCreation: false,
  retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 5_000 },
};

export interface WorkerState {
  live: boolean;
  ready: boolean;
}

/**
 * The consume-transform-produce loop. at-least-once: outputs are produced and acknowledged
 * (acks=-1, idempotent producer) before the input offsets are resolved, and only resolved offsets
 * are committed. exactly-once: each chunk is one Kafka transaction holding its outputs and its
 * input offsets, with one transactional producer per input partition (kafkajs has no KIP-447
 * group fencing, so a per-partition transactional id is what fences a zombie).
 */
export class Worker {
  readonly state: WorkerState = { live: true, ready: false };
  private consumer?: Consumer;
  private producer?: Producer;
  private readonly transactional = new Map<string, Producer>();
  private readonly pipeline: Pipeline;
  private encoder?: RecordEncoder;
  private running = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly config: WorkerConfig,
    private readonly logger: Logger,
    private readonly metrics: WorkerMetrics,
    /** Called when the consumer crashes: the process should exit non-zero so that its supervisor restarts it. */
    private readonly onCrash: (error: Error) => void,
  ) {
    this.pipeline = createPipeline(config.pipeline);
  }

  async start(): Promise<void> {
    this.running = true;
    const { config, logger } = this;
    const admin = this.kafka.admin();
    await withRetries(
      "connecting to Kafka",
      () => admin.connect(),
      () => this.running,
      logger,
    );
    const topics = [...new Set([...config.inputTopics, ...ALL_TOPICS])];
    const plan = await withRetries(
      "creating topics",
      () => ensureTopics(admin, topics, config.topicPartitions, config.topicReplication),
      () => this.running,
      logger,
    );
    await admin.disconnect();
    if (plan.created.length > 0) logger.info({ topics: plan.created }, "created topics");

    const registry = new RegistryAdmin(
      config.registry.url,
      config.registry.username
        ? { username: config.registry.username, password: config.registry.password ?? "" }
        : undefined,
    );
    this.encoder = await withRetries(
      "registering schemas",
      () => RecordEncoder.create(registry, loadTopicSchemas()),
      () => this.running,
      logger,
    );

    if (config.delivery === "at-least-once") {
      this.producer = this.kafka.producer({ ...PRODUCER_DEFAULTS, idempotent: true, maxInFlightRequests: 5 });
      await this.producer.connect();
    }
    const consumer = this.kafka.consumer({
      groupId: config.groupId,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: config.maxBytesPerPartition,
      maxBytes: config.maxBytesPerPartition * 8,
      // A transactional reader of our own outputs would want read_committed; the raw topics are not transactional.
      readUncommitted: false,
      // kafkajs would restart a crashed consumer inside this process; a supervisor restarting the
      // whole process is cleaner (fresh connections, fresh state), so every crash ends it.
      retry: { retries: 8, restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.metrics.rebalances.inc();
      this.state.ready = true;
      logger.info({ memberId: payload.memberId, assignment: payload.memberAssignment }, "joined the consumer group");
      void this.closeRevokedProducers(payload.memberAssignment);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.state.live = false;
      this.state.ready = false;
      logger.error({ err: payload.error, restart: payload.restart }, "consumer crashed");
      if (!payload.restart) this.onCrash(payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...config.inputTopics], fromBeginning: true });
    await consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: config.delivery === "at-least-once",
      autoCommitInterval: config.commitIntervalMs,
      // Partitions are processed concurrently, each in order: one's transform overlaps another's sends.
      partitionsConsumedConcurrently: config.partitionsConcurrently,
      eachBatch: (payload) => this.processBatch(payload),
    });
    logger.info(
      {
        brokers: config.kafka.brokers,
        registry: config.registry.url,
        groupId: config.groupId,
        inputTopics: config.inputTopics,
        delivery: config.delivery,
        workerId: config.workerId,
      },
      "cdp-router worker running",
    );
  }

  private async processBatch({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const encoder = this.encoder;
    if (!encoder) throw new Error("worker not started");
    const timer = this.metrics.batchSeconds.startTimer();
    const { topic, partition } = batch;
    // Chunks whose outputs are being produced, oldest first. While one is in flight the next is
    // transformed and encoded (the worker was idle 44% of the time waiting for acknowledgements);
    // offsets are still resolved strictly in order, each only after its own outputs are acknowledged.
    const inFlight: Array<{ sent: Promise<unknown>; last: string; finish: () => void }> = [];
    const settleOldest = async () => {
      const oldest = inFlight.shift();
      if (!oldest) return;
      await oldest.sent;
      resolveOffset(oldest.last);
      oldest.finish();
      await heartbeat();
    };
    try {
      for (const chunk of chunks(batch.messages, this.config.chunkSize)) {
        if (!isRunning() || isStale()) break;
        const outputs = chunkOutputs(topic, partition, chunk, this.pipeline, encoder, this.config.workerId, Date.now());
        const last = chunk[chunk.length - 1];
        if (!last) continue;
        const finish = () =>
          this.count(
            topic,
            outputs.results,
            outputs.extraDeadLetters.map((d) => d.code),
            chunk.map((m) => Number(m.timestamp)),
          );
        if (this.config.delivery === "exactly-once") {
          // One transaction at a time per partition: its offsets commit with its outputs.
          await this.sendTransaction(
            topic,
            partition,
            outputs.byTopic,
            String(Number(last.offset) + 1),
            isRunning,
            heartbeat,
          );
          resolveOffset(last.offset);
          finish();
          await heartbeat();
          continue;
        }
        const producer = this.producer;
        if (!producer) throw new Error("worker not started");
        const sent = withRetries(
          "producing outputs",
          () => producer.sendBatch({ topicMessages: topicMessages(outputs.byTopic), acks: -1 }),
          isRunning,
          this.logger,
          this.metrics,
          heartbeat,
        );
        sent.catch(() => undefined); // awaited in order by settleOldest; never unhandled
        inFlight.push({ sent, last: last.offset, finish });
        while (inFlight.length >= this.config.maxInFlightChunks) await settleOldest();
      }
      while (inFlight.length > 0) await settleOldest();
    } finally {
      // On an error, what is still in flight is not resolved: it is replayed after the restart.
      inFlight.length = 0;
    }
    this.metrics.lag.set(
      { topic, partition: String(partition) },
      Math.max(0, Number(batch.highWatermark) - Number(batch.lastOffset()) - 1),
    );
    if (this.config.delivery === "at-least-once") await commitOffsetsIfNecessary();
    timer();
  }

  private async sendTransaction(
    topic: string,
    partition: number,
    byTopic: Map<string, Message[]>,
    nextOffset: string,
    isRunning: () => boolean,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    const producer = await this.transactionalProducer(topic, partition);
    await withRetries(
      "committing a transaction",
      async () => {
        const transaction = await producer.transaction();
        try {
          for (const entry of topicMessages(byTopic)) await transaction.send({ ...entry, acks: -1 });
          await transaction.sendOffsets({
            consumerGroupId: this.config.groupId,
            topics: [{ topic, partitions: [{ partition, offset: nextOffset }] }],
          });
          await transaction.commit();
        } catch (error) {
          await transaction.abort().catch(() => undefined);
          throw error;
        }
      },
      isRunning,
      this.logger,
      this.metrics,
      heartbeat,
    );
  }

  /** One transactional producer per input partition, made on first use after an assignment. */
  private async transactionalProducer(topic: string, partition: number): Promise<Producer> {
    const id = `${this.config.groupId}.${topic}.${partition}`;
    let producer = this.transactional.get(id);
    if (!producer) {
      producer = this.kafka.producer({
        ...PRODUCER_DEFAULTS,
        idempotent: true,
        maxInFlightRequests: 1,
        transactionalId: id,
        allowAutoTopicCreation: false,
      });
      await producer.connect();
      this.transactional.set(id, producer);
    }
    return producer;
  }

  /** Closes the transactional producers of partitions this member no longer owns. */
  private async closeRevokedProducers(assignment: Record<string, number[]>): Promise<void> {
    const owned = new Set(
      Object.entries(assignment).flatMap(([topic, partitions]) =>
        partitions.map((p) => `${this.config.groupId}.${topic}.${p}`),
      ),
    );
    for (const [id, producer] of this.transactional) {
      if (owned.has(id)) continue;
      this.transactional.delete(id);
      await producer
        .disconnect()
        .catch((error: Error) =>
          this.logger.warn({ err: error, transactionalId: id }, "closing a revoked producer failed"),
        );
    }
  }

  private count(
    topic: string,
    results: ReturnType<typeof chunkOutputs>["results"],
    extraCodes: string[],
    timestamps: number[],
  ): void {
    const { metrics } = this;
    metrics.consumed.inc({ topic }, results.length);
    for (const result of results) {
      for (const record of result.routed) metrics.routed.inc({ destination: record.destination });
      for (const skipped of result.skipped) metrics.skipped.inc({ reason: skipped.reason });
      for (const deadLetter of result.deadLetters) metrics.deadLetters.inc({ code: deadLetter.code });
      for (const warning of result.warnings) metrics.warnings.inc({ code: warning.code });
    }
    for (const code of extraCodes) metrics.deadLetters.inc({ code });
    const now = Date.now();
    for (const timestamp of timestamps) metrics.endToEndSeconds.observe(Math.max(0, now - timestamp) / 1000);
  }

  /**
   * SIGTERM: stop fetching, let the in-flight batch finish (its acknowledged chunks are resolved
   * and committed) or abandon it after the grace period without committing it, then disconnect.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.state.ready = false;
    const grace = sleep(this.config.shutdownGraceMs).then(() => "timeout" as const);
    const stopped = this.consumer
      ? this.consumer.stop().then(() => "stopped" as const)
      : Promise.resolve("stopped" as const);
    if ((await Promise.race([stopped, grace])) === "timeout")
      this.logger.warn("grace period over: abandoning the in-flight batch uncommitted");
    await Promise.allSettled([
      this.consumer?.disconnect(),
      this.producer?.disconnect(),
      ...[...this.transactional.values()].map((p) => p.disconnect()),
    ]);
    this.logger.info("cdp-router worker stopped");
  }
}

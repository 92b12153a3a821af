import { setTimeout as sleep } from "node:timers/promises";
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage, Message, Producer } from "kafkajs";
import { RecordEncoder } from "../avro/encoder.js";
import { RegistryAdmin } from "../avro/schema-registry.js";
import { loadTopicSchemas } from "../avro/schemas.js";
import type { Logger } from "../ops/logger.js";
import type { WorkerMetrics } from "../ops/metrics.js";
import { classifyOperational } from "../ops/operational-errors.js";
import type { WorkerConfig } from "../ops/worker-config.js";
import { runChunks } from "./chunk-loop.js";
import { chunkMessages } from "./chunks.js";
import { checkKafkaTls, PRODUCER_DEFAULTS } from "./client.js";
import { aboveFloor, CommittedFloors } from "./committed-floors.js";
import type { ChunkSummary } from "./outputs.js";
import { backoffDelay, PartitionBackoff } from "./partition-backoff.js";
import { RenewableProducer } from "./renewable-producer.js";
import { ensureTopics } from "./topic-admin.js";
import { ALL_TOPICS } from "./topics.js";
import { type ChunkTransformer, InlineTransformer, ThreadTransformer } from "./transformer.js";

/**
 * Start-up steps (connect, create topics, register schemas): retried with capped exponential
 * backoff while `running()`, unless the error is one no retry cures (ops/operational-errors).
 */
async function withRetries<T>(
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

/** Disconnects a producer that may still be connecting, or may have failed to. */
async function disconnectQuietly(producer: Promise<Producer> | undefined): Promise<void> {
  await producer?.then((p) => p.disconnect()).catch(() => undefined);
}

function topicMessages(byTopic: Map<string, Message[]>): Array<{ topic: string; messages: Message[] }> {
  return [...byTopic.entries()].map(([topic, messages]) => ({ topic, messages }));
}

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
  private producer?: RenewableProducer;
  /** exactly-once: per input partition, its transactional producer, connected and fenced. */
  private readonly transactional = new Map<string, Promise<Producer>>();
  private transformer?: ChunkTransformer;
  private running = false;
  private readonly backoff: PartitionBackoff;
  /** exactly-once: reads the group's committed offsets (committedFloor). */
  private admin: Promise<Admin> | undefined;
  /** exactly-once: each partition's settled committed offset (see CommittedFloors). */
  private readonly committedFloors = new CommittedFloors({
    settle: (topic, partition) => this.transactionalProducer(topic, partition),
    fetch: async (topic, partition) => {
      const admin = await this.offsetsAdmin();
      const [offsets] = await admin.fetchOffsets({ groupId: this.config.groupId, topics: [topic] });
      const committed = offsets?.partitions.find((p) => p.partition === partition)?.offset;
      return committed !== undefined && Number(committed) >= 0 ? BigInt(committed) : undefined;
    },
  });

  constructor(
    private readonly kafka: Kafka,
    private readonly config: WorkerConfig,
    private readonly logger: Logger,
    private readonly metrics: WorkerMetrics,
    /** Called when the consumer crashes: the process should exit non-zero so that its supervisor restarts it. */
    private readonly onCrash: (error: Error) => void,
  ) {
    this.backoff = new PartitionBackoff({
      paused: (topic, partition) => this.metrics.pausedPartitions.set({ topic, partition: String(partition) }, 1),
      resumed: (topic, partition) => {
        this.metrics.pausedPartitions.set({ topic, partition: String(partition) }, 0);
        this.logger.info({ topic, partition }, "partition resumed");
      },
    });
  }

  async start(): Promise<void> {
    this.running = true;
    const { config, logger } = this;
    const admin = this.kafka.admin();
    await withRetries(
      "connecting to Kafka",
      async () => {
        await checkKafkaTls(config);
        await admin.connect();
      },
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
    const encoder = await withRetries(
      "registering schemas",
      () => RecordEncoder.create(registry, loadTopicSchemas()),
      () => this.running,
      logger,
    );
    const setup = { pipeline: config.pipeline, workerId: config.workerId, maxRecordBytes: config.maxRecordBytes };
    this.transformer = config.transformThread
      ? ThreadTransformer.start({ ...setup, schemaIds: encoder.schemaIds() }, (error) => {
          this.state.live = false;
          logger.error({ err: error }, "the transform thread failed");
          this.onCrash(error);
        })
      : new InlineTransformer(setup, encoder);

    if (config.delivery === "at-least-once") {
      this.producer = new RenewableProducer(this.kafka, {
        ...PRODUCER_DEFAULTS,
        idempotent: true,
        maxInFlightRequests: 5,
      });
      await this.producer.connect();
    }
    const consumer = this.kafka.consumer({
      groupId: config.groupId,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: config.maxBytesPerPartition,
      maxBytes: config.maxBytesPerPartition * 8,
      sessionTimeout: config.sessionTimeoutMs,
      // Kafka's rule of thumb: heartbeats at most a third of the session timeout apart.
      heartbeatInterval: Math.min(3_000, Math.floor(config.sessionTimeoutMs / 3)),
      // A transactional reader of our own outputs would want read_committed; the raw topics are not transactional.
      readUncommitted: false,
      // kafkajs notices added partitions (and rejoins to get them assigned) when it refreshes
      // metadata: every 30 s instead of its default 5 minutes.
      metadataMaxAge: 30_000,
      // kafkajs would restart a crashed consumer inside this process; a supervisor restarting the
      // whole process is cleaner (fresh connections, fresh state), so every crash ends it.
      retry: { retries: 8, restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.metrics.rebalances.inc();
      this.state.ready = true;
      logger.info({ memberId: payload.memberId, assignment: payload.memberAssignment }, "joined the consumer group");
      this.committedFloors.clear();
      void this.prepareProducers(payload.memberAssignment);
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
    pause,
  }: EachBatchPayload): Promise<void> {
    const transformer = this.transformer;
    if (!transformer) throw new Error("worker not started");
    const timer = this.metrics.batchSeconds.startTimer();
    const { topic, partition } = batch;
    this.logger.debug({ topic, partition, firstOffset: batch.firstOffset(), records: batch.messages.length }, "batch");
    let messages: readonly KafkaMessage[] = batch.messages;
    if (this.config.delivery === "exactly-once") {
      let floor: bigint | undefined;
      try {
        floor = await this.committedFloors.floor(topic, partition);
      } catch (error) {
        this.failedSend(topic, partition, pause, error as Error);
        timer();
        return;
      }
      const above = aboveFloor(messages, floor);
      if (above.skippedThrough !== undefined) {
        // Committed by a predecessor's transaction after kafkajs read the group's offsets.
        messages = above.messages;
        resolveOffset(above.skippedThrough);
        this.metrics.skippedCommitted.inc({ topic }, batch.messages.length - messages.length);
        this.logger.info(
          { topic, partition, committed: String(floor), skipped: batch.messages.length - messages.length },
          "skipped records a predecessor already committed",
        );
      }
    }
    const { failed } = await runChunks(chunkMessages(messages, this.config.chunkSize, this.config.chunkBytes), {
      transform: (chunk) => transformer.transform(topic, partition, chunk, Date.now()),
      send: (outputs, nextOffset) =>
        this.config.delivery === "exactly-once"
          ? this.sendTransaction(topic, partition, outputs.byTopic, nextOffset)
          : this.sendOutputs(outputs.byTopic),
      resolveOffset,
      delivered: (outputs, chunk) => {
        this.count(
          topic,
          outputs.summary,
          chunk.map((m) => Number(m.timestamp)),
        );
        this.backoff.succeeded(topic, partition);
      },
      heartbeat,
      forget: (marks) => transformer.forget(marks),
      sendFailed: (error) => this.failedSend(topic, partition, pause, error),
      active: () => isRunning() && !isStale(),
    });
    if (!failed)
      this.metrics.lag.set(
        { topic, partition: String(partition) },
        Math.max(0, Number(batch.highWatermark) - Number(batch.lastOffset()) - 1),
      );
    if (this.config.delivery === "at-least-once") await commitOffsetsIfNecessary();
    timer();
  }

  private sendOutputs(byTopic: Map<string, Message[]>): Promise<unknown> {
    const producer = this.producer;
    if (!producer) return Promise.reject(new Error("worker not started"));
    return producer.sendBatch({ topicMessages: topicMessages(byTopic), acks: -1 });
  }

  /** A send that kafkajs gave up on (after its own quick retries): back off by pausing the partition. */
  private failedSend(topic: string, partition: number, pause: () => () => void, error: Error): void {
    if (!this.running) return;
    this.metrics.retries.inc();
    const delayMs = this.backoff.failed(topic, partition, pause);
    this.logger.warn(
      { err: error, topic, partition, delayMs },
      "producing outputs failed; partition paused, its unacknowledged records will be fetched again",
    );
  }

  /** exactly-once: one transaction holding a chunk's outputs and its input offset; aborted on any failure. */
  private async sendTransaction(
    topic: string,
    partition: number,
    byTopic: Map<string, Message[]>,
    nextOffset: string,
  ): Promise<void> {
    const producer = await this.transactionalProducer(topic, partition);
    const transaction = await producer.transaction();
    try {
      // One produce request for every destination topic (a send per topic cost a round trip each).
      await transaction.sendBatch({ topicMessages: topicMessages(byTopic), acks: -1 });
      await transaction.sendOffsets({
        consumerGroupId: this.config.groupId,
        topics: [{ topic, partitions: [{ partition, offset: nextOffset }] }],
      });
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      // A fresh producer re-initialises the transactional id: whatever state the failure left
      // (a fenced epoch, a transaction the broker still holds open) is cleared before the retry.
      await this.dropTransactionalProducer(topic, partition);
      // Whether that transaction committed (a commit whose answer was lost) is read again before
      // this partition's next batch.
      this.committedFloors.forget(topic, partition);
      throw error;
    }
  }

  private offsetsAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      this.admin = admin.connect().then(() => admin);
      this.admin.catch(() => {
        this.admin = undefined;
      });
    }
    return this.admin;
  }

  private async dropTransactionalProducer(topic: string, partition: number): Promise<void> {
    const id = this.transactionalId(topic, partition);
    const producer = this.transactional.get(id);
    this.transactional.delete(id);
    await disconnectQuietly(producer);
  }

  private transactionalId(topic: string, partition: number): string {
    return `${this.config.groupId}.${topic}.${partition}`;
  }

  /**
   * One transactional producer per input partition, made when the partition is assigned (or on
   * first use after a failure dropped it). Making it fences the transactional id at once: a
   * transaction that a killed or stalled predecessor left open is aborted by the coordinator then,
   * instead of holding back read_committed readers of every destination partition it wrote to
   * until it times out. Concurrent callers share the one being made.
   */
  private transactionalProducer(topic: string, partition: number): Promise<Producer> {
    const id = this.transactionalId(topic, partition);
    const existing = this.transactional.get(id);
    if (existing) return existing;
    const producer = this.kafka.producer({
      ...PRODUCER_DEFAULTS,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionalId: id,
      allowAutoTopicCreation: false,
    });
    const ready = (async () => {
      await producer.connect();
      // kafkajs registers the transactional id (InitProducerId) when a first transaction begins.
      await (await producer.transaction()).abort();
      return producer;
    })();
    this.transactional.set(id, ready);
    ready.catch(() => {
      if (this.transactional.get(id) === ready) this.transactional.delete(id);
      void producer.disconnect().catch(() => undefined);
    });
    return ready;
  }

  /** exactly-once, on each assignment: producers for the partitions gained, closed for those lost. */
  private async prepareProducers(assignment: Record<string, number[]>): Promise<void> {
    await this.closeRevokedProducers(assignment);
    if (this.config.delivery !== "exactly-once") return;
    const made = Object.entries(assignment).flatMap(([topic, partitions]) =>
      partitions.map((partition) => this.transactionalProducer(topic, partition)),
    );
    for (const result of await Promise.allSettled(made))
      if (result.status === "rejected")
        this.logger.warn({ err: result.reason }, "making a transactional producer failed; retried on first use");
  }

  /** Closes the transactional producers of partitions this member no longer owns. */
  private async closeRevokedProducers(assignment: Record<string, number[]>): Promise<void> {
    const owned = new Set(
      Object.entries(assignment).flatMap(([topic, partitions]) =>
        partitions.map((p) => this.transactionalId(topic, p)),
      ),
    );
    for (const [id, producer] of this.transactional) {
      if (owned.has(id)) continue;
      this.transactional.delete(id);
      await disconnectQuietly(producer);
    }
  }

  private count(topic: string, summary: ChunkSummary, timestamps: number[]): void {
    const { metrics } = this;
    metrics.consumed.inc({ topic }, summary.consumed);
    for (const [destination, n] of Object.entries(summary.routed)) metrics.routed.inc({ destination }, n);
    for (const [reason, n] of Object.entries(summary.skipped)) metrics.skipped.inc({ reason }, n);
    for (const [code, n] of Object.entries(summary.deadLetters)) metrics.deadLetters.inc({ code }, n);
    for (const [code, n] of Object.entries(summary.warnings)) metrics.warnings.inc({ code }, n);
    const now = Date.now();
    for (const timestamp of timestamps) metrics.endToEndSeconds.observe(Math.max(0, now - timestamp) / 1000);
  }

  /**
   * SIGTERM: stop fetching, let the in-flight batch finish (its acknowledged chunks are resolved
   * and committed) or abandon it after the grace period without committing it, then disconnect.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.backoff.cancel();
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
      ...[...this.transactional.values()].map(disconnectQuietly),
      this.admin?.then((admin) => admin.disconnect()),
    ]);
    await this.transformer?.close();
    this.logger.info("cdp-router worker stopped");
  }
}

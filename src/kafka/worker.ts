import { setTimeout as sleep } from "node:timers/promises";
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from "kafkajs";
import type { Logger } from "../ops/logger.js";
import type { WorkerMetrics } from "../ops/metrics.js";
import type { WorkerConfig } from "../ops/worker-config.js";
import { AtLeastOnceDelivery } from "./at-least-once.js";
import type { BoundedRun } from "./bounded-run.js";
import { runChunks } from "./chunk-loop.js";
import { chunkMessages } from "./chunks.js";
import type { Delivery, OutputsByTopic } from "./delivery.js";
import { ExactlyOnceDelivery } from "./exactly-once.js";
import type { ChunkSummary } from "./outputs.js";
import { PartitionBackoff } from "./partition-backoff.js";
import { prepareWorker, withRetries } from "./start-up.js";
import type { ChunkTransformer } from "./transformer.js";

/** What makes a worker other than the live one: a replay's bounds, its output topics, a dry run's delivery. */
export interface WorkerOptions {
  /** Only records in a fixed range are processed, at a set rate (a replay). */
  readonly bounded?: BoundedRun;
  /** Prepended to every output topic: a replay's shadow topics. */
  readonly outputPrefix?: string;
  /** Replaces the delivery the mode would choose (a dry run writes nothing). */
  readonly delivery?: Delivery;
  /**
   * Turns fetched records into the ones to process (a dead-letter re-drive: the selected dead
   * letters' raw records). Records it leaves out are settled with the batch, never processed.
   */
  readonly select?: (messages: readonly KafkaMessage[]) => Promise<readonly KafkaMessage[]>;
}

export interface WorkerState {
  live: boolean;
  ready: boolean;
}

/**
 * The consume-transform-produce loop: start-up (start-up.ts), the consumer group, each fetched
 * batch cut into chunks and run through the chunk loop (chunk-loop.ts), metrics, back-off and
 * shutdown. How outputs are written and offsets settled is the delivery's: at-least-once.ts or
 * exactly-once.ts, chosen once here.
 */
export class Worker {
  readonly state: WorkerState = { live: true, ready: false };
  private consumer?: Consumer;
  private transformer?: ChunkTransformer;
  private running = false;
  private readonly backoff: PartitionBackoff;
  /** The one place the delivery mode is decided: everything else goes through it. */
  private readonly delivery: Delivery;

  constructor(
    private readonly kafka: Kafka,
    private readonly config: WorkerConfig,
    private readonly logger: Logger,
    private readonly metrics: WorkerMetrics,
    /** Called when the consumer crashes: the process should exit non-zero so that its supervisor restarts it. */
    private readonly onCrash: (error: Error) => void,
    private readonly options: WorkerOptions = {},
  ) {
    this.delivery =
      options.delivery ??
      (config.delivery === "exactly-once"
        ? new ExactlyOnceDelivery(kafka, config.groupId, logger, metrics)
        : new AtLeastOnceDelivery(kafka));
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
    this.transformer = await prepareWorker(
      this.kafka,
      config,
      logger,
      this.options.outputPrefix ?? "",
      () => this.running,
      (error) => {
        this.state.live = false;
        logger.error({ err: error }, "the transform thread failed");
        this.onCrash(error);
      },
    );
    const transformer = this.transformer;
    this.metrics.watchThreads(() => transformer.threadsBusy());
    await withRetries(
      "connecting the producer",
      () => this.delivery.start(),
      () => this.running,
      logger,
    );
    const consumer = this.kafka.consumer({
      groupId: config.groupId,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: config.maxBytesPerPartition,
      maxBytes: config.maxBytesPerPartition * 8,
      sessionTimeout: config.sessionTimeoutMs,
      // Every second (kafkajs's default is 3 s): a member learns of a rebalance only at its next
      // heartbeat, and the members that already rejoined stop until it does (README, "Scaling
      // out"). Never more than a third of the session timeout apart (Kafka's rule of thumb).
      heartbeatInterval: Math.min(1_000, Math.floor(config.sessionTimeoutMs / 3)),
      // At-least-once: an empty fetch answers after this long (kafkajs's default is 5 s; Java's
      // 500 ms): the patched kafkajs commits an idle partition's last offsets when one comes back,
      // so they are committed within about one commit interval, never a whole long poll late.
      // Exactly-once commits in its transactions and keeps kafkajs's default: its fetch timing is
      // left as every campaign so far ran it.
      ...(this.delivery.consumerCommits ? { maxWaitTimeInMs: Math.min(500, config.commitIntervalMs) } : {}),
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
    // kafkajs rebalances eagerly: from here until the join, this member processes nothing.
    consumer.on(consumer.events.REBALANCING, ({ payload }) => {
      logger.info({ memberId: payload.memberId }, "rebalancing");
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.metrics.rebalances.inc();
      this.state.ready = true;
      logger.info({ memberId: payload.memberId, assignment: payload.memberAssignment }, "joined the consumer group");
      transformer.assigned(payload.memberAssignment);
      void this.delivery.assigned(payload.memberAssignment);
    });
    const bounded = this.options.bounded;
    if (bounded) {
      // A fetch of transaction markers only (the end of a transactional topic such as cdp.dlq
      // under exactly-once) never reaches eachBatch; kafkajs resolves it and reports it here.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        const { topic, partition, batchSize, firstOffset, lastOffset } = payload;
        if (batchSize !== 0 || firstOffset === null) return;
        const settledBefore = bounded.isSettledBefore(topic, partition, BigInt(firstOffset));
        if (!settledBefore || bounded.ended(topic, partition, [], lastOffset) === undefined) return;
        consumer.pause([{ topic, partitions: [partition] }]);
        bounded.partitionDone(topic, partition);
      });
    }
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.state.live = false;
      this.state.ready = false;
      logger.error({ err: payload.error, restart: payload.restart }, "consumer crashed");
      if (!payload.restart) this.onCrash(payload.error);
    });
    await withRetries(
      "joining the consumer group",
      async () => {
        await consumer.connect();
        await consumer.subscribe({ topics: [...config.inputTopics], fromBeginning: true });
      },
      () => this.running,
      logger,
    );
    await consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: this.delivery.consumerCommits,
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
        // Where the transform runs: what throughput and memory to expect (README, "Threads").
        transform: !config.transformThread
          ? "event loop"
          : `${config.transformThreads} thread${config.transformThreads === 1 ? "" : "s"}${config.transformOnMain ? " and the event loop" : ""}`,
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
    const bounded = this.options.bounded;
    const fetched = bounded ? bounded.within(topic, partition, batch.messages) : batch.messages;
    // Records before a replay's start (the group's offsets were set to it, so rarely any): passed over.
    const before = bounded?.beforeStart(topic, partition, batch.messages);
    if (before !== undefined) resolveOffset(before);
    const settle = bounded
      ? (offset: string) => {
          resolveOffset(offset);
          bounded.settled(topic, partition, BigInt(offset) + 1n);
        }
      : resolveOffset;
    let messages: readonly KafkaMessage[];
    try {
      const selected = this.options.select ? await this.options.select(fetched) : fetched;
      messages = await this.delivery.admit(topic, partition, selected, settle);
    } catch (error) {
      this.failedSend(topic, partition, pause, error as Error);
      timer();
      return;
    }
    const chunkSize = bounded ? bounded.chunkSize(this.config.chunkSize) : this.config.chunkSize;
    const { failed } = await runChunks(chunkMessages(messages, chunkSize, this.config.chunkBytes), {
      transform: async (chunk) => {
        if (bounded) {
          await bounded.throttle(chunk.length, heartbeat);
          // A throttled batch can take minutes: commit what is settled as the interval comes round,
          // not only at the batch's end, so that an interrupted replay resumes near where it stopped.
          if (this.delivery.consumerCommits) await commitOffsetsIfNecessary();
        }
        const transformed = this.metrics.chunkTransformSeconds.startTimer();
        const outputs = await transformer.transform(topic, partition, chunk, Date.now());
        transformed();
        return outputs;
      },
      send: (outputs, nextOffset) => {
        const written = this.metrics.chunkWriteSeconds.startTimer();
        const sent = this.delivery.send(topic, partition, this.outputTopics(outputs.byTopic), nextOffset);
        // Only acknowledged writes are timed: a failed one is counted by cdp_router_transient_retries_total.
        sent.then(
          () => written(),
          () => undefined,
        );
        return sent;
      },
      resolveOffset: settle,
      delivered: (outputs, chunk) => {
        this.count(
          topic,
          outputs.summary,
          chunk.map((m) => Number(m.timestamp)),
        );
        bounded?.delivered(outputs.summary);
        this.backoff.succeeded(topic, partition);
      },
      heartbeat,
      forget: (marks) => transformer.forget(topic, partition, marks),
      sendFailed: (error) => this.failedSend(topic, partition, pause, error),
      active: () => isRunning() && !isStale(),
    });
    if (!failed)
      this.metrics.lag.set(
        { topic, partition: String(partition) },
        Math.max(0, Number(batch.highWatermark) - Number(batch.lastOffset()) - 1),
      );
    if (!failed && bounded && isRunning() && !isStale()) {
      // Every chunk was delivered: the records the selection left out are done too.
      const lastFetched = fetched[fetched.length - 1];
      if (lastFetched && this.options.select) settle(lastFetched.offset);
      // kafkajs's lastOffset counts transaction markers, which never come as messages.
      const end = bounded.ended(topic, partition, fetched, batch.lastOffset());
      if (end !== undefined) {
        // Finished: nothing more of this partition is read. Its end is committed now
        // (at-least-once) so that the replay run again finds the partition done.
        const { commitAt } = end;
        if (commitAt !== undefined && this.delivery.consumerCommits) {
          resolveOffset(String(commitAt - 1n));
          await commitOffsetsIfNecessary({
            topics: [{ topic, partitions: [{ partition, offset: String(commitAt) }] }],
          });
        }
        pause();
        bounded.partitionDone(topic, partition);
      }
    }
    // No commit awaited here: the patched kafkajs commits resolved offsets at the interval off the
    // fetch loop's path (docs/kafkajs-patch.md), so a commit round trip never delays the next fetch.
    timer();
  }

  /** The output topics under the replay's prefix, when it has one. */
  private outputTopics(byTopic: OutputsByTopic): OutputsByTopic {
    const prefix = this.options.outputPrefix;
    if (!prefix) return byTopic;
    return new Map([...byTopic].map(([topic, messages]) => [`${prefix}${topic}`, messages]));
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

  private count(topic: string, summary: ChunkSummary, timestamps: number[]): void {
    const { metrics } = this;
    metrics.consumed.inc({ topic }, summary.consumed);
    if (summary.keyMismatches > 0) metrics.keyMismatches.inc({ topic }, summary.keyMismatches);
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
   * Stopping and disconnecting both need the brokers (the last commit, LeaveGroup, closing the
   * producers); with them unreachable kafkajs retries for minutes. So the whole stop ends within
   * the grace period plus DISCONNECT_FLOOR_MS: what is not committed by then is processed again
   * by the partition's next owner (at-least-once) or aborted by its fencing (exactly-once).
   */
  async stop(): Promise<void> {
    this.running = false;
    this.backoff.cancel();
    this.state.ready = false;
    const deadline = Date.now() + this.config.shutdownGraceMs;
    const stopped = this.consumer ? this.consumer.stop() : Promise.resolve();
    if (!(await settlesBefore(stopped, this.config.shutdownGraceMs)))
      this.logger.warn("grace period over: abandoning the in-flight batch uncommitted");
    const disconnected = Promise.allSettled([this.consumer?.disconnect(), this.delivery.stop()]);
    if (!(await settlesBefore(disconnected, Math.max(DISCONNECT_FLOOR_MS, deadline - Date.now()))))
      this.logger.warn("the brokers did not answer the disconnect in time: stopping without it");
    await this.transformer?.close();
    this.logger.info("cdp-router worker stopped");
  }
}

/** After the grace period, what disconnecting may still take (closing connections that answer). */
const DISCONNECT_FLOOR_MS = 2_000;

/** Whether `work` settles (either way) within `ms`; it goes on in the background if not. */
async function settlesBefore(work: Promise<unknown>, ms: number): Promise<boolean> {
  const timer = new AbortController();
  const settled = work.then(
    () => true,
    () => true,
  );
  const late = sleep(ms, false, { signal: timer.signal }).catch(() => false);
  try {
    return await Promise.race([settled, late]);
  } finally {
    timer.abort();
  }
}

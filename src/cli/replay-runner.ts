import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { Admin, Kafka, KafkaMessage } from "kafkajs";
import pino from "pino";
import { ReplayBounds } from "../kafka/bounded-run.js";
import { kafkaClient } from "../kafka/client.js";
import { DeadLetterReader } from "../kafka/dead-letter-reader.js";
import { DeadLetterRedrive } from "../kafka/dead-letter-redrive.js";
import { DryRunDelivery } from "../kafka/dry-run-delivery.js";
import { committedOffsets, ensurePlansTopic, rangeNow, readPlan, writePlan } from "../kafka/replay-store.js";
import { registryAdmin } from "../kafka/start-up.js";
import { Worker } from "../kafka/worker.js";
import { startHttpServer } from "../ops/http-server.js";
import { createLogger, type Logger } from "../ops/logger.js";
import { WorkerMetrics } from "../ops/metrics.js";
import { ReplayMetrics } from "../ops/replay-metrics.js";
import { UsageError } from "../ops/usage-error.js";
import type { WorkerConfig } from "../ops/worker-config.js";
import type { DeadLetterSelection } from "../replay/dead-letter-selection.js";
import { type ReplayPlan, type ReplayRequest, replayGroupId, requestDifferences } from "../replay/plan.js";
import { ReplayProgress } from "../replay/progress.js";
import { type Bound, partitionKey } from "../replay/range.js";
import { RateLimiter } from "../replay/throttle.js";
import { ReplayTotals } from "../replay/totals.js";
import { type ProgressView, progressBar, progressLines } from "./replay-progress.js";

export interface ReplayOptions {
  readonly id: string;
  readonly request: ReplayRequest;
  readonly from: Bound;
  readonly to: Bound;
  readonly rate?: number;
  readonly dryRun: boolean;
  readonly metricsPort: number;
  /** Seconds between JSON progress lines when stderr is not a terminal. */
  readonly progressEverySeconds: number;
  /** A dead-letter re-drive (`dlq replay`): which dead letters of the range are sent again. */
  readonly deadLetters?: DeadLetterSelection;
}

/** How a replay ended: its exit code and the summary printed on stdout. */
export interface ReplayOutcome {
  readonly exitCode: number;
  readonly summary: Record<string, unknown>;
}

/** Fixes the range now: offsets per partition, then [start, end) per partition. */
async function planNow(admin: Admin, options: ReplayOptions): Promise<ReplayPlan> {
  const ranges = await rangeNow(admin, options.request.topics, options.from, options.to);
  if (!ranges.ok) throw new UsageError(ranges.error);
  return { id: options.id, request: options.request, ranges: ranges.value, createdAt: Date.now() };
}

/** The stored plan of this replay (it is being resumed), or a new one, stored before anything is read. */
async function storedOrNewPlan(kafka: Kafka, admin: Admin, config: WorkerConfig, options: ReplayOptions) {
  await ensurePlansTopic(admin, config.topicReplication);
  const stored = await readPlan(kafka, admin, options.id);
  if (stored) {
    const differences = requestDifferences(stored.request, options.request);
    if (differences.length > 0) {
      throw new UsageError(
        `replay ${options.id} was started with other arguments (${differences.join("; ")}); run it with the same ones to resume, or choose another --id`,
      );
    }
    return { plan: stored, resumed: true };
  }
  const plan = await planNow(admin, options);
  await writePlan(kafka, plan);
  return { plan, resumed: false };
}

/**
 * Every partition of the replayed topics gets a committed offset before the group first reads:
 * its range's start, or the log end for a partition outside the range (so nothing of it is read).
 * Partitions that already have one (a resumed replay) keep it.
 */
async function placeGroup(admin: Admin, groupId: string, plan: ReplayPlan, committed: ReadonlyMap<string, bigint>) {
  const starts = new Map(plan.ranges.map((r) => [partitionKey(r.topic, r.partition), r.start]));
  for (const topic of plan.request.topics) {
    const partitions: Array<{ partition: number; offset: string }> = [];
    for (const p of await admin.fetchTopicOffsets(topic)) {
      const key = partitionKey(topic, p.partition);
      if (committed.has(key)) continue;
      partitions.push({ partition: p.partition, offset: String(starts.get(key) ?? BigInt(p.high)) });
    }
    if (partitions.length === 0) continue;
    try {
      await admin.setOffsets({ groupId, topic, partitions });
    } catch (error) {
      throw new UsageError(
        `cannot place replay group ${groupId} (is this replay already running?): ${(error as Error).message}`,
      );
    }
  }
}

function view(options: ReplayOptions): ProgressView {
  return process.stderr.isTTY
    ? progressBar(process.stderr, options.id)
    : progressLines(process.stderr, options.id, options.progressEverySeconds * 1000);
}

/**
 * `cdp-router replay`: fixes (or finds) the plan, places its own consumer group, runs a worker
 * bounded by the plan until every partition reaches its end, and reports. Never touches the live
 * group's offsets. SIGINT/SIGTERM stop it cleanly; running the same command again resumes.
 */
export async function runReplay(base: WorkerConfig, options: ReplayOptions): Promise<ReplayOutcome> {
  const logger: Logger = createLogger(base.logLevel, pino.destination(2));
  const groupId = options.dryRun
    ? `cdp-router-replay-dry-run-${options.id}-${randomUUID()}`
    : replayGroupId(options.id);
  const destinations = options.request.destinations;
  const config: WorkerConfig = {
    ...base,
    groupId,
    inputTopics: options.request.topics,
    workerId: `${base.workerId}-replay-${options.id}`,
    pipeline: {
      ...base.pipeline,
      destinations: {
        ...base.pipeline.destinations,
        enabled: destinations.length > 0 ? destinations : base.pipeline.destinations.enabled,
      },
    },
  };
  const kafka = kafkaClient(config, logger);
  const admin = kafka.admin();
  await admin.connect();
  const started = Date.now();
  let worker: Worker | undefined;
  let server: Server | undefined;
  let progressView: ProgressView | undefined;
  try {
    const { plan, resumed } = options.dryRun
      ? { plan: await planNow(admin, options), resumed: false }
      : await storedOrNewPlan(kafka, admin, config, options);
    const committed = options.dryRun
      ? new Map<string, bigint>()
      : await committedOffsets(admin, groupId, plan.request.topics);
    const progress = new ReplayProgress(plan.ranges, started);
    progress.resumeFrom(committed);
    const totals = new ReplayTotals();
    const redrive =
      options.deadLetters &&
      new DeadLetterRedrive(new DeadLetterReader(registryAdmin(config)), options.deadLetters, logger);
    const summary = (status: string) => {
      const seconds = (Date.now() - started) / 1000;
      const snapshot = progress.snapshot(Date.now());
      return {
        replay: options.id,
        status,
        dryRun: options.dryRun,
        resumed,
        groupId: options.dryRun ? undefined : groupId,
        range: plan.ranges.map((r) => ({
          topic: r.topic,
          partition: r.partition,
          start: String(r.start),
          end: String(r.end),
        })),
        recordsInRange: snapshot.total,
        recordsDone: snapshot.done,
        events: totals.events,
        outcomes: totals.outcomes,
        records: totals.records,
        skipped: totals.skipped,
        deadLetters: totals.deadLetters,
        warnings: totals.warnings,
        ...(redrive ? { deadLettersPassedOver: redrive.passedOver } : {}),
        durationSeconds: Number(seconds.toFixed(3)),
        eventsPerSecond: seconds > 0 ? Math.round(totals.events / seconds) : 0,
      };
    };
    if (progress.complete()) return { exitCode: 0, summary: summary(resumed ? "already_complete" : "complete") };

    await placeGroup(admin, groupId, plan, committed);
    const metrics = new WorkerMetrics();
    const replayMetrics = new ReplayMetrics(metrics, options.id);
    if (options.metricsPort > 0) {
      server = await startHttpServer(options.metricsPort, { live: () => true, ready: () => true }, metrics);
    }
    progressView = view(options);
    const show = () => {
      const snapshot = progress.snapshot(Date.now());
      replayMetrics.update(snapshot);
      progressView?.update(snapshot);
    };
    const bounds = new ReplayBounds(
      progress,
      options.rate === undefined ? undefined : new RateLimiter(options.rate),
      (chunk) => {
        totals.add(chunk);
        show();
      },
    );
    let crashed: Error | undefined;
    let failStop: () => void = () => undefined;
    const failure = new Promise<"crashed">((resolve) => {
      failStop = () => resolve("crashed");
    });
    let interrupt: () => void = () => undefined;
    const interrupted = new Promise<"interrupted">((resolve) => {
      interrupt = () => resolve("interrupted");
    });
    process.once("SIGINT", interrupt);
    process.once("SIGTERM", interrupt);
    // kafkajs sometimes lets a connection error escape: the replay stops (to be run again) rather than hang.
    const escaped = (reason: unknown) => {
      crashed = reason instanceof Error ? reason : new Error(String(reason));
      failStop();
    };
    process.on("unhandledRejection", escaped);
    worker = new Worker(
      kafka,
      config,
      logger,
      metrics,
      (error) => {
        crashed = error;
        failStop();
      },
      {
        bounded: bounds,
        outputPrefix: options.dryRun ? "" : options.request.outputPrefix,
        ...(options.dryRun ? { delivery: new DryRunDelivery() } : {}),
        ...(redrive ? { select: (messages: readonly KafkaMessage[]) => redrive.select(messages) } : {}),
      },
    );
    const ticker = setInterval(show, 1_000);
    try {
      await worker.start();
      const ending = await Promise.race([bounds.finished.then(() => "complete" as const), failure, interrupted]);
      show();
      await worker.stop();
      worker = undefined;
      if (ending === "complete") return { exitCode: 0, summary: summary(options.dryRun ? "dry_run" : "complete") };
      if (ending === "interrupted") {
        logger.warn({ replay: options.id }, "replay interrupted; run the same command again to resume it");
        return { exitCode: 130, summary: summary("interrupted") };
      }
      logger.error({ err: crashed, replay: options.id }, "replay failed; run the same command again to resume it");
      return { exitCode: 1, summary: summary("failed") };
    } finally {
      clearInterval(ticker);
      process.removeListener("SIGINT", interrupt);
      process.removeListener("SIGTERM", interrupt);
      process.removeListener("unhandledRejection", escaped);
    }
  } finally {
    progressView?.stop();
    await worker?.stop().catch(() => undefined);
    server?.close();
    if (options.dryRun) await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

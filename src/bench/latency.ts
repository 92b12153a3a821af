import { type ChildProcess, spawn } from "node:child_process";
import { openSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { Admin, Kafka } from "kafkajs";
import { loadTopicSchemas } from "../avro/schemas.js";
import { WORKER_NODE_FLAGS, workerEnv } from "../ops/node-flags.js";
import {
  ACKNOWLEDGED_METRIC,
  type AcknowledgedLatency,
  bucketsBetween,
  type CumulativeBuckets,
  readHistogram,
  STAGE_METRICS,
  type Stage,
  type StageLatency,
  summariseAcknowledged,
  summariseStage,
} from "./acknowledged-latency.js";
import { generateEvents } from "./event-generator.js";
import { messageIdReader } from "./message-id-reader.js";
import { freePort, scrapeMetrics } from "./worker-scrape.js";

// The latency mode of `npm run bench:worker`: one worker on a fresh raw topic, fed at a fixed
// rate by a producer that stamps each raw record with the time it sends it; a reader of the
// Customer.io topic (read_committed, so an exactly-once record counts once its transaction has
// committed) takes, for every output, the time it reads it minus its raw event's send time (found
// by the record's message_id: the generator numbers them). So the figure runs from the raw
// record's timestamp to the output being readable by a consumer: acknowledged, plus the reader's
// fetch.

export interface LatencyOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly root: string;
  readonly env: Record<string, string>;
  readonly mode: "at-least-once" | "exactly-once";
  readonly rate: number;
  readonly seconds: number;
  /** Outputs of the first seconds (worker JIT, first metadata) are reported apart. */
  readonly warmUpSeconds: number;
  readonly stamp: string;
  /**
   * Seconds after the first send at which one more worker joins the group (scale-out under load):
   * kafkajs rebalances eagerly, so every join stops all members for a moment.
   */
  readonly joinsAtSeconds?: readonly number[];
}

/** The outputs read in the window after a worker joined: the rebalance's effect on latency. */
export interface JoinEffect {
  readonly atSecond: number;
  readonly outputs: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface LatencyResult {
  readonly mode: string;
  readonly produced: number;
  readonly outputs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** The same, with the warm-up included. */
  readonly allP99Ms: number;
  /**
   * The seconds (from the first send) whose outputs waited longest, worst first, with the largest
   * wait read in each: whether the tail is one stall or spread over the run.
   */
  readonly worstSeconds: ReadonlyArray<{ readonly second: number; readonly maxMs: number; readonly outputs: number }>;
  /** One per worker that joined during the run, over the JOIN_WINDOW_SECONDS after it. */
  readonly joins: readonly JoinEffect[];
  /** The workers' own histogram after the warm-up: raw timestamp to outputs acknowledged (acknowledged-latency.ts). */
  readonly acknowledged: AcknowledgedLatency;
  /** The workers' chunk histograms after the warm-up: the transform's round trip and the write's. */
  readonly stages: Readonly<Record<Stage, StageLatency>>;
}

/** One worker's latency histograms: end to end, and by stage. */
interface WorkerHistograms {
  readonly acknowledged: CumulativeBuckets;
  readonly stages: ReadonlyMap<Stage, CumulativeBuckets>;
}

const STAGES = Object.keys(STAGE_METRICS) as Stage[];

async function scrapeHistograms(port: number): Promise<WorkerHistograms> {
  const text = await scrapeMetrics(port);
  return {
    acknowledged: readHistogram(text, ACKNOWLEDGED_METRIC),
    stages: new Map(STAGES.map((stage) => [stage, readHistogram(text, STAGE_METRICS[stage])])),
  };
}

/** How long after a join its effect is looked at: the rebalance and the catch-up after it. */
export const JOIN_WINDOW_SECONDS = 10;

export const OBSERVED_TOPIC = "cdp.dest.customerio";

/** The event index in a generated messageId (`msg-<seed>-<index>`). */
export function eventIndexOf(messageId: unknown): number | undefined {
  if (typeof messageId !== "string") return undefined;
  const index = Number(messageId.slice(messageId.lastIndexOf("-") + 1));
  return Number.isInteger(index) && index >= 0 ? index : undefined;
}

export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

async function waitForStableGroup(admin: Admin, groupId: string, worker: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (worker.exitCode !== null) throw new Error(`the worker exited ${worker.exitCode} before joining its group`);
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups[0];
    if (group?.state === "Stable" && group.members.length > 0) return;
    await sleep(250);
  }
  throw new Error(`the worker's group ${groupId} was not stable within 120 s`);
}

export async function measureLatency(options: LatencyOptions): Promise<LatencyResult> {
  const { kafka, admin, rate, seconds } = options;
  const input = `bench.latency.${options.stamp}.${options.mode}`;
  const groupId = `bench-latency-${options.mode}-${options.stamp}`;
  await admin.createTopics({ topics: [{ topic: input, numPartitions: 3 }], waitForLeaders: true });

  const schema = loadTopicSchemas().get(OBSERVED_TOPIC);
  if (!schema) throw new Error(`no schema for ${OBSERVED_TOPIC}`);
  const readMessageId = messageIdReader(schema);
  const ports = new Map<ChildProcess, number>();
  const spawnWorker = async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [...WORKER_NODE_FLAGS, "bin/cdp-router.js", "run"], {
      cwd: options.root,
      env: workerEnv({
        ...process.env,
        ...options.env,
        CDP_INPUT_TOPICS: input,
        CDP_GROUP_ID: groupId,
        CDP_DELIVERY: options.mode,
        CDP_HTTP_PORT: String(port),
      }),
      // BENCH_WORKER_LOG=FILE keeps the workers' log (CDP_LOG_LEVEL says how much) to line up with
      // the slowest seconds.
      stdio: process.env.BENCH_WORKER_LOG
        ? ["ignore", openSync(process.env.BENCH_WORKER_LOG, "a"), "inherit"]
        : ["ignore", "ignore", "inherit"],
    });
    ports.set(child, port);
    return child;
  };
  // The worker first: it creates the destination topics (on a fresh stack the reader would
  // otherwise subscribe to a topic that does not exist yet).
  const worker = await spawnWorker();
  const workers: ChildProcess[] = [worker];
  const joinsAt = [...(options.joinsAtSeconds ?? [])].sort((a, b) => a - b);
  const joinedAt: number[] = [];
  const reader = kafka.consumer({ groupId: `${groupId}-reader`, maxWaitTimeInMs: 100, readUncommitted: false });
  const producer = kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
  const latencies: Array<{ at: number; ms: number }> = [];
  const sentAt: number[] = [];
  try {
    await waitForStableGroup(admin, groupId, worker);
    await reader.connect();
    await reader.subscribe({ topic: OBSERVED_TOPIC, fromBeginning: false });
    const joined = new Promise<void>((resolve) => reader.on(reader.events.GROUP_JOIN, () => resolve()));
    await reader.run({
      eachBatch: async ({ batch }) => {
        const now = Date.now();
        for (const message of batch.messages) {
          if (!message.value) continue;
          const sent = sentAt[eventIndexOf(readMessageId(message.value)) ?? -1];
          if (sent !== undefined) latencies.push({ at: now, ms: now - sent });
        }
      },
    });
    await joined;
    await producer.connect();
    // Seed 7: message ids `msg-7-<index>`.
    const events = generateEvents(rate * seconds, 7);
    const started = Date.now();
    let sent = 0;
    // The workers' histograms when the warm-up ends (read without holding up the sends).
    let baseline: Promise<Map<ChildProcess, WorkerHistograms>> | undefined;
    // Every 10 ms, what the schedule says is due: a slow send is caught up on, not skipped.
    while (sent < events.length) {
      if (!baseline && Date.now() - started >= options.warmUpSeconds * 1000) {
        const alive = [...workers];
        baseline = Promise.all(
          alive.map(async (child) => [child, await scrapeHistograms(ports.get(child) ?? 0)] as const),
        ).then((readings) => new Map(readings));
      }
      const nextJoin = joinsAt[joinedAt.length];
      if (nextJoin !== undefined && Date.now() - started >= nextJoin * 1000) {
        joinedAt.push(Date.now());
        workers.push(await spawnWorker());
      }
      // At most 200 events a send: a slow moment must not make one request over the broker's 1 MB.
      const due = Math.min(events.length, Math.floor(((Date.now() - started) / 1000) * rate), sent + 200);
      if (due > sent) {
        const now = Date.now();
        for (let i = sent; i < due; i++) sentAt[i] = now;
        const batch = events.slice(sent, due).map((event) => ({ value: event.bytes, timestamp: String(now) }));
        await producer.send({ topic: input, acks: -1, messages: batch });
        sent = due;
        continue;
      }
      await sleep(10);
    }
    const producedAt = Date.now();
    // Drained when nothing new has arrived for 3 s (at most 60 s after the last send).
    let seen = -1;
    while (latencies.length !== seen && Date.now() - producedAt < 60_000) {
      seen = latencies.length;
      await sleep(3_000);
    }
    const earlier = (await baseline) ?? new Map<ChildProcess, WorkerHistograms>();
    const readings = await Promise.all(
      workers.map(async (child) => ({
        earlier: earlier.get(child),
        later: await scrapeHistograms(ports.get(child) ?? 0),
      })),
    );
    const acknowledged = summariseAcknowledged(
      bucketsBetween(
        readings.map(({ earlier, later }) => ({ earlier: earlier?.acknowledged, later: later.acknowledged })),
      ),
    );
    const stageSummary = (stage: Stage) =>
      summariseStage(
        bucketsBetween(
          readings.map(({ earlier, later }) => ({
            earlier: earlier?.stages.get(stage),
            later: later.stages.get(stage) ?? new Map(),
          })),
        ),
      );
    const stages = { transform: stageSummary("transform"), write: stageSummary("write") };
    const warmUpEnds = started + options.warmUpSeconds * 1000;
    const steady = latencies
      .filter((l) => l.at >= warmUpEnds)
      .map((l) => l.ms)
      .sort((a, b) => a - b);
    const all = latencies.map((l) => l.ms).sort((a, b) => a - b);
    const bySecond = new Map<number, { second: number; maxMs: number; outputs: number }>();
    for (const { at, ms } of latencies) {
      const second = Math.floor((at - started) / 1000);
      const slot = bySecond.get(second) ?? { second, maxMs: 0, outputs: 0 };
      slot.maxMs = Math.max(slot.maxMs, ms);
      slot.outputs++;
      bySecond.set(second, slot);
    }
    return {
      mode: options.mode,
      produced: sent,
      outputs: latencies.length,
      p50Ms: percentile(steady, 0.5),
      p99Ms: percentile(steady, 0.99),
      maxMs: steady.at(-1) ?? Number.NaN,
      allP99Ms: percentile(all, 0.99),
      worstSeconds: [...bySecond.values()].sort((a, b) => b.maxMs - a.maxMs).slice(0, 5),
      joins: joinedAt.map((at) => {
        const window = latencies
          .filter((l) => l.at >= at && l.at < at + JOIN_WINDOW_SECONDS * 1000)
          .map((l) => l.ms)
          .sort((a, b) => a - b);
        return {
          atSecond: Math.round((at - started) / 1000),
          outputs: window.length,
          p99Ms: percentile(window, 0.99),
          maxMs: window.at(-1) ?? Number.NaN,
        };
      }),
      acknowledged,
      stages,
    };
  } finally {
    await Promise.all(
      workers.map((child) => {
        child.kill("SIGTERM");
        return new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.on("exit", resolve)));
      }),
    );
    await producer.disconnect().catch(() => undefined);
    await reader.disconnect().catch(() => undefined);
    await admin.deleteTopics({ topics: [input] }).catch(() => undefined);
  }
}

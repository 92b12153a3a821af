import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { type Admin, Kafka, logLevel } from "kafkajs";
import { WORKER_NODE_FLAGS, workerEnv } from "../ops/node-flags.js";
import { stackUp } from "../stack/stack.js";
import { type LatencyResult, measureLatency } from "./latency.js";
import { prepareRawTopic } from "./raw-topic.js";

// `npm run bench:replay [-- EVENTS [LIVE_RATE]]`: a backfill of the benchmarks' raw topic
// (100,000 generated events, every destination, at-least-once, into shadow topics) by
// `cdp-router replay`:
// 1. alone;
// 2. the live worker alone, fed at LIVE_RATE events/s (default 2,000): its end-to-end p50/p99;
// 3. both at once: the replay's rate, and the live worker's p50/p99 and largest lag meanwhile;
// 4. `--rate 2000`: the rate the replay held over each 10-second window.

const count = Number(process.argv[2] ?? 100_000);
const liveRate = Number(process.argv[3] ?? 2_000);
const THROTTLE = 2_000;
const root = fileURLToPath(new URL("../../", import.meta.url));

const endpoints = await stackUp({ say: (line) => console.error(`[stack] ${line}`) });
const kafka = new Kafka({ clientId: "cdp-router-bench", brokers: endpoints.brokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const { topic, total } = await prepareRawTopic(kafka, admin, count, 3);
const stamp = Date.now().toString(36);
const env = {
  KAFKA_BROKERS: endpoints.brokers.join(","),
  SCHEMA_REGISTRY_URL: endpoints.registryUrl,
  CDP_HTTP_PORT: "0",
  CDP_LOG_LEVEL: "warn",
};

interface ReplayRun {
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** Progress readings (ms since the replay's first progress line, records done). */
  readonly progress: Array<{ at: number; done: number }>;
}

/** One `cdp-router replay` of the whole raw topic into shadow topics; rate from its first to last progress reading. */
async function replay(name: string, extra: string[] = []): Promise<ReplayRun> {
  const args = ["replay", "--topics", topic, "--from", "earliest", "--to", "now", "--id", `bench-${name}-${stamp}`];
  const child = spawn(
    process.execPath,
    [
      ...WORKER_NODE_FLAGS,
      "bin/cdp-router.js",
      ...args,
      "--output-prefix",
      `bench.shadow.${stamp}.`,
      "--progress-every",
      "1",
      ...extra,
    ],
    { cwd: root, env: workerEnv({ ...process.env, ...env }), stdio: ["ignore", "ignore", "pipe"] },
  );
  const progress: Array<{ at: number; done: number }> = [];
  let buffered = "";
  child.stderr.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) {
      const match = /"progress":\{"done":(\d+)/.exec(line);
      if (match) progress.push({ at: Date.now(), done: Number(match[1]) });
    }
  });
  // "close": after stderr is read to the end, so that the last progress line is counted.
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`replay ${name} exited ${code}`);
  const moving = progress.filter((p) => p.done > 0);
  const first = moving[0];
  const last = moving.at(-1);
  if (!first || !last || last.at === first.at) throw new Error(`replay ${name}: no progress readings`);
  const origin = first.at;
  return {
    seconds: (last.at - first.at) / 1000,
    eventsPerSecond: Math.round((last.done - first.done) / ((last.at - first.at) / 1000)),
    progress: moving.map((p) => ({ at: p.at - origin, done: p.done })),
  };
}

/** The live group's largest lag while `work` runs, read every second. */
async function watchLag<T>(admin: Admin, group: string, input: string, work: Promise<T>): Promise<[T, number]> {
  let max = 0;
  let running = true;
  const watching = (async () => {
    while (running) {
      try {
        const [ends, [committed]] = await Promise.all([
          admin.fetchTopicOffsets(input),
          admin.fetchOffsets({ groupId: group, topics: [input] }),
        ]);
        const lag = ends.reduce((sum, p) => {
          const at = Number(committed?.partitions.find((c) => c.partition === p.partition)?.offset ?? -1);
          return sum + (at < 0 ? 0 : Number(p.high) - at);
        }, 0);
        max = Math.max(max, lag);
      } catch {
        // The topic is made by measureLatency a moment after this starts.
      }
      await sleep(1_000);
    }
  })();
  try {
    return [await work, max];
  } finally {
    running = false;
    await watching;
  }
}

const live = (run: string, seconds: number) =>
  measureLatency({
    kafka,
    admin,
    root,
    env,
    mode: "at-least-once",
    rate: liveRate,
    seconds,
    warmUpSeconds: 5,
    stamp: `${stamp}${run}`,
  });
const liveGroup = (run: string) => `bench-latency-at-least-once-${stamp}${run}`;
const liveInput = (run: string) => `bench.latency.${stamp}${run}.at-least-once`;

const alone = await replay("alone");
const [liveAlone, liveAloneLag] = await watchLag(admin, liveGroup("a"), liveInput("a"), live("a", 40));
// The replay starts 10 s into the live run, and the live run lasts long enough to cover it.
const besideRun = live("b", Math.ceil(alone.seconds * 3) + 20);
const [[liveBeside, besideLag], beside] = await Promise.all([
  watchLag(admin, liveGroup("b"), liveInput("b"), besideRun),
  sleep(10_000).then(() => replay("beside")),
]);
const throttled = await replay("throttled", ["--rate", String(THROTTLE)]);

// Shadow topics of this run.
const shadows = (await admin.listTopics()).filter((t) => t.startsWith(`bench.shadow.${stamp}.`));
await admin.deleteTopics({ topics: shadows }).catch(() => undefined);
await admin.disconnect();

/** Events/s over each full 10-second window of the progress readings. */
function windows(progress: ReplayRun["progress"]): number[] {
  const rates: number[] = [];
  for (let start = 0; ; start += 10_000) {
    const from = progress.find((p) => p.at >= start);
    const to = progress.find((p) => p.at >= start + 10_000);
    if (!from || !to) return rates;
    rates.push(Math.round((to.done - from.done) / ((to.at - from.at) / 1000)));
  }
}

const describeLive = (result: LatencyResult, lag: number) =>
  `p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms (after the first 5 s), largest lag ${lag} records`;
const throttledWindows = windows(throttled.progress);
console.log(
  `replay benchmark: ${total} raw events (${topic}), every destination, at-least-once, Node ${process.version}`,
);
console.log(`  replay alone:                ${alone.eventsPerSecond} events/s (${alone.seconds.toFixed(1)} s)`);
console.log(`  live worker alone at ${liveRate}/s:  ${describeLive(liveAlone, liveAloneLag)}`);
console.log(`  replay beside the live one:  ${beside.eventsPerSecond} events/s (${beside.seconds.toFixed(1)} s)`);
console.log(`  live worker meanwhile:       ${describeLive(liveBeside, besideLag)}`);
console.log(
  `  replay --rate ${THROTTLE}:           ${throttled.eventsPerSecond} events/s overall; 10-second windows: ${throttledWindows.join(", ")} (largest deviation ${Math.round(Math.max(...throttledWindows.map((r) => Math.abs(r - THROTTLE) / THROTTLE)) * 100)}%)`,
);
console.log(
  JSON.stringify({
    total,
    liveRate,
    alone: { eventsPerSecond: alone.eventsPerSecond, seconds: alone.seconds },
    liveAlone: { ...liveAlone, maxLag: liveAloneLag },
    beside: { eventsPerSecond: beside.eventsPerSecond, seconds: beside.seconds },
    liveBeside: { ...liveBeside, maxLag: besideLag },
    throttled: { rate: THROTTLE, eventsPerSecond: throttled.eventsPerSecond, windows: throttledWindows },
  }),
);

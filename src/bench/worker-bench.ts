import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { Kafka, logLevel } from "kafkajs";
import { RecordEncoder } from "../avro/encoder.js";
import { loadTopicSchemas } from "../avro/schemas.js";
import { DESTINATIONS } from "../destinations/index.js";
import { WORKER_NODE_FLAGS, workerEnv } from "../ops/node-flags.js";
import { parsePipelineConfig } from "../pipeline/config.js";
import { createPipeline } from "../pipeline/pipeline.js";
import { stackUp } from "../stack/stack.js";
import { generateEvents } from "./event-generator.js";
import { type JavaProducerRun, runJavaProducer } from "./java-producer.js";
import { JOIN_WINDOW_SECONDS, type LatencyResult, measureLatency, OBSERVED_TOPIC } from "./latency.js";
import { SPEED_EVENTS, transformMicrosPerEvent } from "./machine-speed.js";
import { prepareRawTopic } from "./raw-topic.js";
import { freePort, readThreadBusy, scrapeMetrics, threadUtilisation } from "./worker-scrape.js";

// `npm run bench:worker [-- EVENTS]`: the worker's throughput in both delivery modes on a prepared
// raw topic, beside a plain kafkajs pass-through on the same data, in the same run. Each runs in
// its own process from a fresh consumer group; the rate is taken between the first and the last
// committed offset (start-up and group join excluded), and the peak RSS (VmHWM) read from /proc.

const count = Number(process.argv[2] ?? 100_000);
const PARTITIONS = 3;
const root = fileURLToPath(new URL("../../", import.meta.url));

const endpoints = await stackUp({ say: (line) => console.error(`[stack] ${line}`) });
const kafka = new Kafka({ clientId: "cdp-router-bench", brokers: endpoints.brokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();

const { topic: input, total } = await prepareRawTopic(kafka, admin, count, PARTITIONS);

async function committed(group: string): Promise<number> {
  const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [input] });
  return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

function peakRss(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/**
 * CPU seconds (user + system, every thread) a process has used, from /proc/<pid>/stat. Linux
 * counts them in USER_HZ ticks, 100 a second on every Linux this runs on.
 */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Result {
  id: string;
  name: string;
  eventsPerSecond: number;
  peakRssMiB: number;
  /**
   * The process's CPU time per event while it processed them: less moved than events/s by
   * whatever else the machine runs (the broker, other tenants), so the better figure for an A/B.
   */
  cpuMicrosPerEvent: number;
  /**
   * The worker's threads (main, transform-N): each one's share of the wall time it spent working
   * over the same span, from the worker's cdp_router_thread_busy_seconds_total; none for the
   * pass-throughs. A transform thread near 1 is what holds the worker.
   */
  threads: Array<[thread: string, utilisation: number]>;
}

/** The worker's busy seconds by thread and when they were read (wall seconds), or none without metrics. */
async function busyNow(port: number | undefined): Promise<{ at: number; busy: Map<string, number> } | undefined> {
  if (port === undefined) return undefined;
  const text = await scrapeMetrics(port);
  return { at: performance.now() / 1000, busy: readThreadBusy(text) };
}

async function measure(
  id: string,
  name: string,
  command: string[],
  env: Record<string, string>,
  group: string,
): Promise<Result> {
  // A worker serves its metrics, for the threads' busy time; the pass-throughs have none.
  const port = command[0] === "bin/cdp-router.js" ? await freePort() : undefined;
  // Every variant, the pass-throughs included, runs with the worker's Node flags and allocator
  // setting: one memory regime.
  const child = spawn(process.execPath, [...WORKER_NODE_FLAGS, ...command], {
    cwd: root,
    env: workerEnv({ ...process.env, ...env, ...(port === undefined ? {} : { CDP_HTTP_PORT: String(port) }) }),
    stdio: ["ignore", "ignore", "inherit"],
  });
  let first: { at: number; done: number; cpu: number } | undefined;
  let busyAtFirst: Awaited<ReturnType<typeof busyNow>>;
  let rss = 0;
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`${name}: not finished in 30 minutes`);
    const done = await committed(group);
    const now = performance.now();
    if (child.pid) rss = Math.max(rss, peakRss(child.pid));
    if (!first && done > 0 && child.pid) {
      first = { at: now, done, cpu: cpuSeconds(child.pid) };
      busyAtFirst = await busyNow(port);
    }
    if (done >= total && first) {
      const cpu = child.pid ? cpuSeconds(child.pid) - first.cpu : Number.NaN;
      const busyAtEnd = await busyNow(port);
      const threads =
        busyAtFirst && busyAtEnd
          ? threadUtilisation(busyAtFirst.busy, busyAtEnd.busy, busyAtEnd.at - busyAtFirst.at)
          : [];
      child.kill("SIGTERM");
      await new Promise((resolve) => child.on("exit", resolve));
      const seconds = (now - first.at) / 1000;
      return {
        id,
        name,
        eventsPerSecond: Math.round((total - first.done) / seconds),
        peakRssMiB: Math.round(rss / 1024 / 1024),
        cpuMicrosPerEvent: Math.round((cpu / (total - first.done)) * 1e6),
        threads,
      };
    }
    await sleep(50);
  }
}

// How many records the worker writes per raw event (destination records and dead letters), from
// the same deterministic events through the same pipeline: the pass-through writes exactly one.
// Also the mean size of a destination record (key + Confluent-framed Avro value), which the Java
// reference producer writes.
function outputsPerEvent(enabled?: string[]): { perEvent: number; meanRecordBytes: number } {
  const reference = createPipeline(
    parsePipelineConfig(enabled ? { destinations: { enabled } } : {}, DESTINATIONS),
    DESTINATIONS,
  );
  const schemas = loadTopicSchemas();
  const encoder = RecordEncoder.fromIds(schemas, new Map([...schemas.values()].map((schema) => [schema.subject, 1])));
  let outputs = 0;
  let records = 0;
  let recordBytes = 0;
  const events = generateEvents(count, 99);
  for (const event of events) {
    const result = reference.process({
      bytes: event.bytes,
      timestamp: 0,
      provenance: { topic: input, partition: 0, offset: "0" },
    });
    outputs += result.routed.length + result.deadLetters.length;
    for (const record of result.routed) {
      records++;
      recordBytes +=
        Buffer.byteLength(record.key) + (record.value === null ? 0 : encoder.encode(record.topic, record.value).length);
    }
  }
  return { perEvent: outputs / events.length, meanRecordBytes: Math.round(recordBytes / Math.max(1, records)) };
}
const { perEvent: workerFanOut, meanRecordBytes } = outputsPerEvent();
const fanOut: Record<string, number> = {
  passthrough: 1,
  fanout: Number(workerFanOut.toFixed(2)),
  alo: workerFanOut,
  alo2: workerFanOut,
  "alo-thread": workerFanOut,
  eos: workerFanOut,
  one: outputsPerEvent(["customerio"]).perEvent,
};

const stamp = Date.now().toString(36);
const sink = `bench.passthrough.${stamp}`;
// The fan-out pass-through writes the worker's number of records per event to this many topics.
const sinks = [sink, ...Array.from({ length: Math.ceil(workerFanOut) }, (_, t) => `${sink}.${t}`)];
await admin.createTopics({
  topics: sinks.map((topic) => ({ topic, numPartitions: PARTITIONS })),
  waitForLeaders: true,
});
const common = {
  KAFKA_BROKERS: endpoints.brokers.join(","),
  SCHEMA_REGISTRY_URL: endpoints.registryUrl,
  CDP_INPUT_TOPICS: input,
  CDP_HTTP_PORT: "0",
  CDP_LOG_LEVEL: process.env.CDP_LOG_LEVEL ?? "warn",
  // The rate is taken at the last commit: the shortest interval blurs the end the least (<= ~1%).
  CDP_COMMIT_INTERVAL_MS: "100",
};
// One destination: one output per input, as the pass-through has.
const single = `${root}.cache/bench-customerio-only.json`;
writeFileSync(single, JSON.stringify({ destinations: { enabled: ["customerio"] } }));
const variants: Array<{ id: string; name: string; command: string[]; env: Record<string, string> }> = [
  {
    id: "passthrough",
    name: "pass-through (kafkajs)",
    command: ["dist/bench/passthrough.js", endpoints.brokers.join(","), input, sink],
    env: {},
  },
  {
    id: "fanout",
    name: `pass-through x${fanOut.fanout}`,
    command: ["dist/bench/passthrough.js", endpoints.brokers.join(","), input, sink],
    env: {},
  },
  { id: "alo", name: "worker at-least-once", command: ["bin/cdp-router.js", "run"], env: common },
  {
    id: "eos",
    name: "worker exactly-once",
    command: ["bin/cdp-router.js", "run"],
    env: { ...common, CDP_DELIVERY: "exactly-once" },
  },
  {
    id: "alo2",
    name: "worker a-l-o, 2 threads",
    command: ["bin/cdp-router.js", "run"],
    env: { ...common, CDP_TRANSFORM_THREADS: "2" },
  },
  {
    // The transform thread alone, the event loop left to kafkajs (by default it transforms a share of the partitions).
    id: "alo-thread",
    name: "worker a-l-o, thread only",
    command: ["bin/cdp-router.js", "run"],
    env: { ...common, CDP_TRANSFORM_ON_MAIN: "false" },
  },
  {
    id: "one",
    name: "worker a-l-o, 1 dest.",
    command: ["bin/cdp-router.js", "run"],
    env: { ...common, CDP_PIPELINE_CONFIG: single },
  },
];
const extras = ["java", "latency-alo", "latency-eos", "scale-alo", "scale-eos", "speed"];
// BENCH_ONLY=alo,eos,java runs a subset.
const only = (process.env.BENCH_ONLY ?? [...variants.map((v) => v.id), ...extras].join(",")).split(",");
// The machine's speed before and after the run: its phase moves the workers more than the Java producer.
const speed: { startMicros?: number; endMicros?: number } = {};
if (only.includes("speed")) speed.startMicros = await transformMicrosPerEvent(root);
const results: Result[] = [];
for (const variant of variants.filter((v) => only.includes(v.id))) {
  const group = `bench-${variant.id}-${stamp}`;
  const command =
    variant.id === "passthrough"
      ? [...variant.command, group]
      : variant.id === "fanout"
        ? [...variant.command, group, String(fanOut.fanout)]
        : variant.command;
  results.push(await measure(variant.id, variant.name, command, { ...variant.env, CDP_GROUP_ID: group }, group));
}

// Kafka's Java producer on the same broker: as many records as the worker writes, of the worker's
// mean record size, acks=all and idempotent like the worker; with its defaults and with the
// batching that gave it the most here (batch.size=262144, linger.ms=20).
const javaRuns: JavaProducerRun[] = [];
if (only.includes("java")) {
  const javaTopic = `bench.java.${stamp}`;
  await admin.createTopics({ topics: [{ topic: javaTopic, numPartitions: PARTITIONS }], waitForLeaders: true });
  sinks.push(javaTopic);
  const javaRecords = Math.round(total * workerFanOut);
  const base = {
    brokers: endpoints.brokers.join(","),
    topic: javaTopic,
    records: javaRecords,
    recordBytes: meanRecordBytes,
  };
  javaRuns.push(await runJavaProducer({ ...base, extraProps: {}, label: "Java producer, defaults" }));
  javaRuns.push(
    await runJavaProducer({
      ...base,
      extraProps: { "batch.size": "262144", "linger.ms": "20" },
      label: "Java producer, batch 256 KiB linger 20 ms",
    }),
  );
}

/** The workers' own measure: raw record timestamp to outputs acknowledged, from their histograms. */
function describeAcknowledged(a: LatencyResult["acknowledged"]): string {
  const percent = (a.within50Ms * 100).toFixed(1);
  return `acknowledged (the workers' cdp_router_end_to_end_latency_seconds after the first 5 s, ${a.records} input records): ${percent}% within 50 ms (p99 <= 50 ms needs 99%), p50 <= ${a.p50AtMostMs} ms, p99 <= ${a.p99AtMostMs} ms (bucket bounds)`;
}

/** Per chunk, from the workers' own histograms: the transform thread's round trip and the write's. */
function describeStages({ transform, write }: LatencyResult["stages"]): string {
  return `per chunk (the workers' cdp_router_chunk_*_seconds after the first 5 s, ${transform.chunks} chunks): transform p50 <= ${transform.p50AtMostMs} ms, p99 <= ${transform.p99AtMostMs} ms; write until acknowledged p50 <= ${write.p50AtMostMs} ms, p99 <= ${write.p99AtMostMs} ms (bucket bounds)`;
}

// Latency at a fixed rate, each delivery mode on a fresh topic.
const latencies: LatencyResult[] = [];
for (const mode of ["at-least-once", "exactly-once"] as const) {
  if (!only.includes(mode === "at-least-once" ? "latency-alo" : "latency-eos")) continue;
  latencies.push(
    await measureLatency({ kafka, admin, root, env: common, mode, rate: 5_000, seconds: 30, warmUpSeconds: 5, stamp }),
  );
}
// The same with the group scaled out under load: one worker, a second at 10 s, a third at 20 s.
// Each join is an eager rebalance (every member stops); the runs show what it does to the tail.
const scaled: LatencyResult[] = [];
for (const mode of ["at-least-once", "exactly-once"] as const) {
  if (!only.includes(mode === "at-least-once" ? "scale-alo" : "scale-eos")) continue;
  scaled.push(
    await measureLatency({
      kafka,
      admin,
      root,
      env: common,
      mode,
      rate: 5_000,
      seconds: 40,
      warmUpSeconds: 5,
      stamp: `${stamp}s`,
      joinsAtSeconds: [10, 20],
    }),
  );
}

await admin.deleteTopics({ topics: sinks }).catch(() => undefined);
await admin.disconnect();
if (only.includes("speed")) speed.endMicros = await transformMicrosPerEvent(root);

const baseline = results.find((r) => r.id === "passthrough")?.eventsPerSecond ?? Number.NaN;
const fanOutBaseline = results.find((r) => r.id === "fanout")?.eventsPerSecond ?? Number.NaN;
/** The rate as a share of a pass-through run, or nothing when that run was left out (BENCH_ONLY). */
const ofPassThrough = (rate: number, of: number, label: string) =>
  Number.isNaN(of) ? "" : ` ${String(Math.round((rate / of) * 100)).padStart(4)}% of ${label}`;
console.log(
  `worker benchmark: ${total} raw events, ${PARTITIONS} partitions, one process each, Node ${process.version}`,
);
for (const r of results) {
  const perEvent = fanOut[r.id] ?? 1;
  const busy = r.threads.map(([thread, share]) => `${thread} ${Math.round(share * 100)}%`).join(", ");
  console.log(
    `  ${r.name.padEnd(24)} ${String(r.eventsPerSecond).padStart(8)} events/s${ofPassThrough(r.eventsPerSecond, baseline, "pass-through")}${ofPassThrough(r.eventsPerSecond, fanOutBaseline, `pass-through x${fanOut.fanout}`)}  peak RSS ${String(r.peakRssMiB).padStart(4)} MiB  CPU ${String(r.cpuMicrosPerEvent).padStart(4)} µs/event  ${perEvent.toFixed(2)} records/event: ${Math.round(r.eventsPerSecond * perEvent)} records/s${busy === "" ? "" : `  threads busy: ${busy}`}`,
  );
}
const bestJava = Math.max(...javaRuns.map((run) => run.recordsPerSecond));
for (const run of javaRuns) {
  console.log(
    `  ${run.label.padEnd(42)} ${String(Math.round(run.recordsPerSecond)).padStart(8)} records/s of ${meanRecordBytes} bytes (${run.megabytesPerSecond} MB/s)`,
  );
}
const recordsPerSecond = (id: string) => {
  const r = results.find((result) => result.id === id);
  return r ? r.eventsPerSecond * (fanOut[id] ?? 1) : Number.NaN;
};
if (javaRuns.length > 0) {
  // Only the variants that ran (BENCH_ONLY may leave some out).
  const ratioRows: Array<[id: string, label: string, target: string]> = [
    ["alo", "at-least-once", " (target 0.5x)"],
    ["alo2", "with 2 transform threads", ""],
    ["alo-thread", "with the transform thread alone", ""],
    ["eos", "exactly-once", ""],
    ["fanout", `pass-through x${fanOut.fanout}`, ""],
    ["passthrough", "pass-through", ""],
  ];
  const fractions = ratioRows
    .filter(([id]) => !Number.isNaN(recordsPerSecond(id)))
    .map(([id, label, target]) => `${label} ${(recordsPerSecond(id) / bestJava).toFixed(2)}x${target}`);
  console.log(`  records/s as a fraction of the best Java run: ${fractions.join(", ")}`);
}
if (results.some((r) => r.id === "alo") && results.some((r) => r.id === "eos")) {
  console.log(
    `  exactly-once / at-least-once: ${(recordsPerSecond("eos") / recordsPerSecond("alo")).toFixed(2)}x (target 0.6x)`,
  );
}
for (const l of latencies) {
  console.log(
    `  latency ${l.mode} at 5,000 events/s for 30 s (raw record timestamp to its ${OBSERVED_TOPIC} record read): p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms (target 50 ms), max ${l.maxMs} ms after the first 5 s; p99 ${l.allP99Ms} ms with them (${l.outputs} records of ${l.produced} events)`,
  );
  const worst = l.worstSeconds.map((s) => `second ${s.second}: ${s.maxMs} ms (${s.outputs} records)`).join(", ");
  console.log(`    slowest seconds (largest wait read in each): ${worst}`);
  console.log(`    ${describeAcknowledged(l.acknowledged)}`);
  console.log(`    ${describeStages(l.stages)}`);
}
for (const l of scaled) {
  console.log(
    `  latency ${l.mode} at 5,000 events/s for 40 s, 1 -> 3 workers (one joins at 10 s, one at 20 s): p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms, max ${l.maxMs} ms after the first 5 s (${l.outputs} records of ${l.produced} events)`,
  );
  for (const join of l.joins) {
    console.log(
      `    the ${JOIN_WINDOW_SECONDS} s after the join at ${join.atSecond} s: p99 ${join.p99Ms} ms, max ${join.maxMs} ms (${join.outputs} records)`,
    );
  }
  console.log(`    ${describeAcknowledged(l.acknowledged)}`);
  console.log(`    ${describeStages(l.stages)}`);
}
if (speed.startMicros !== undefined && speed.endMicros !== undefined) {
  console.log(
    `  machine speed (bench:transform on one core, ${SPEED_EVENTS.toLocaleString("en")} events): ${speed.startMicros.toFixed(1)} CPU µs per event before the run, ${speed.endMicros.toFixed(1)} after; compare runs made at similar figures`,
  );
}
console.log(
  "  targets: at-least-once >= 0.5x the best Java run, exactly-once >= 0.6x at-least-once, peak RSS <= 300 MiB, latency p99 <= 50 ms at 5,000 events/s",
);
console.log(
  `  pass-through x${fanOut.fanout} writes the worker's number of records per event (same bytes, no transform): the cost of the fan-out alone`,
);
console.log(JSON.stringify({ total, meanRecordBytes, speed, results, javaRuns, latencies, scaled }));

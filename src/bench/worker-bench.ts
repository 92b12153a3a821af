import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Kafka, logLevel } from "kafkajs";
import { stackUp } from "../stack/stack.js";
import { generateEvents } from "./event-generator.js";

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

const input = `bench.raw.${count}`;
if (!(await admin.listTopics()).includes(input)) {
  await admin.createTopics({ topics: [{ topic: input, numPartitions: PARTITIONS }], waitForLeaders: true });
  const producer = kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
  await producer.connect();
  const events = generateEvents(count, 99);
  for (let i = 0; i < events.length; i += 1000) {
    await producer.send({
      topic: input,
      acks: -1,
      messages: events.slice(i, i + 1000).map((e) => ({ value: e.bytes })),
    });
  }
  await producer.disconnect();
  console.error(`prepared ${count} events in ${input}`);
}
const total = (await admin.fetchTopicOffsets(input)).reduce((sum, p) => sum + Number(p.high), 0);

async function committed(group: string): Promise<number> {
  const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [input] });
  return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

function peakRss(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

interface Result {
  name: string;
  eventsPerSecond: number;
  peakRssMiB: number;
}

async function measure(name: string, command: string[], env: Record<string, string>, group: string): Promise<Result> {
  const child = spawn(process.execPath, command, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  let first: { at: number; done: number } | undefined;
  let rss = 0;
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`${name}: not finished in 30 minutes`);
    const done = await committed(group);
    const now = performance.now();
    if (child.pid) rss = Math.max(rss, peakRss(child.pid));
    if (!first && done > 0) first = { at: now, done };
    if (done >= total && first) {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.on("exit", resolve));
      const seconds = (now - first.at) / 1000;
      return {
        name,
        eventsPerSecond: Math.round((total - first.done) / seconds),
        peakRssMiB: Math.round(rss / 1024 / 1024),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const stamp = Date.now().toString(36);
const sink = `bench.passthrough.${stamp}`;
await admin.createTopics({ topics: [{ topic: sink, numPartitions: PARTITIONS }], waitForLeaders: true });
const common = {
  KAFKA_BROKERS: endpoints.brokers.join(","),
  SCHEMA_REGISTRY_URL: endpoints.registryUrl,
  CDP_INPUT_TOPICS: input,
  CDP_HTTP_PORT: "0",
  CDP_LOG_LEVEL: "warn",
  CDP_COMMIT_INTERVAL_MS: "200",
};
const results: Result[] = [];
results.push(
  await measure(
    "pass-through (kafkajs)",
    ["dist/bench/passthrough.js", endpoints.brokers.join(","), input, sink, `bench-pass-${stamp}`],
    {},
    `bench-pass-${stamp}`,
  ),
);
results.push(
  await measure(
    "worker at-least-once",
    ["bin/cdp-router.js", "run"],
    { ...common, CDP_GROUP_ID: `bench-alo-${stamp}` },
    `bench-alo-${stamp}`,
  ),
);
results.push(
  await measure(
    "worker exactly-once",
    ["bin/cdp-router.js", "run"],
    { ...common, CDP_DELIVERY: "exactly-once", CDP_GROUP_ID: `bench-eos-${stamp}` },
    `bench-eos-${stamp}`,
  ),
);
// The same with one destination: one output per input, as the pass-through has.
const single = `${root}.cache/bench-customerio-only.json`;
writeFileSync(single, JSON.stringify({ destinations: { enabled: ["customerio"] } }));
results.push(
  await measure(
    "worker a-l-o, 1 dest.",
    ["bin/cdp-router.js", "run"],
    { ...common, CDP_PIPELINE_CONFIG: single, CDP_GROUP_ID: `bench-one-${stamp}` },
    `bench-one-${stamp}`,
  ),
);
await admin.deleteTopics({ topics: [sink] }).catch(() => undefined);
await admin.disconnect();

const baseline = results[0]?.eventsPerSecond ?? Number.NaN;
console.log(
  `worker benchmark: ${total} raw events, ${PARTITIONS} partitions, one process each, Node ${process.version}`,
);
for (const r of results) {
  console.log(
    `  ${r.name.padEnd(24)} ${String(r.eventsPerSecond).padStart(8)} events/s  ${String(Math.round((r.eventsPerSecond / baseline) * 100)).padStart(4)}% of pass-through  peak RSS ${r.peakRssMiB} MiB`,
  );
}
console.log("  targets: at-least-once >= 80% of pass-through, exactly-once >= 50%");
console.log(JSON.stringify({ total, results }));

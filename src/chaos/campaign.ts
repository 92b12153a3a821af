import { execFile, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, Option } from "commander";
import { Kafka, logLevel } from "kafkajs";
import { generateEvents, seededRandom } from "../bench/event-generator.js";
import { DESTINATION_IDS } from "../destinations/index.js";
import { ensureTopics } from "../kafka/topic-admin.js";
import { DEAD_LETTER_TOPIC, DESTINATION_TOPICS } from "../kafka/topics.js";
import { silenceKafkajsTimeoutWarning } from "../kafka/warnings.js";
import { parsePipelineConfig } from "../pipeline/config.js";
import { createPipeline } from "../pipeline/pipeline.js";
import { stackUp } from "../stack/stack.js";
import { WorkerPool } from "./actors.js";
import { compareOutputs, type ExpectedRecord, type ReadRecord } from "./compare.js";
import { FAULT_KINDS, type FaultKind, runFault } from "./faults.js";
import { CHAOS_SCRIPTS, ensureChaosPython } from "./python.js";

// `npm run chaos -- [--mode at-least-once|exactly-once] [--faults N] [--seed S] ...`: steady load
// from an independent librdkafka producer into a three-broker stack, 2-3 workers, faults chosen
// at random from a printed seed, then an independent read_committed check of every output
// against the offline pipeline. One line of figures; exit 1 on any loss (or duplicate under
// exactly-once), on a worker ending by itself, or when the group does not catch up.

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const say = (line: string) => console.log(`chaos: ${line}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const options = new Command("chaos")
  .addOption(
    new Option("--mode <mode>", "delivery mode").choices(["at-least-once", "exactly-once"]).default("at-least-once"),
  )
  .option("--faults <n>", "faults to inject", (v) => Number.parseInt(v, 10), 20)
  .option("--seed <n>", "seed for events and faults", (v) => Number.parseInt(v, 10), Math.floor(Math.random() * 1e9))
  .option("--rate <events/s>", "producer rate", (v) => Number.parseInt(v, 10), 500)
  .option("--workers <n>", "workers at the start (2 or 3)", (v) => Number.parseInt(v, 10), 2)
  .option("--only <kinds>", `fault kinds to draw from (comma-separated: ${FAULT_KINDS.join(",")})`)
  .parse()
  .opts<{ mode: string; faults: number; seed: number; rate: number; workers: number; only?: string }>();

/** The raw key a producer that follows the contract uses: the object the event is about. */
function objectKeyOf(bytes: Buffer): string {
  try {
    const event = JSON.parse(bytes.toString()) as Record<string, unknown>;
    const properties = (event.properties ?? {}) as Record<string, unknown>;
    return String(event.groupId ?? properties.objectId ?? event.messageId ?? "");
  } catch {
    return "";
  }
}

function readOutputs(python: string, brokers: string, registry: string, starts: unknown[]): Promise<ReadRecord[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      python,
      [join(CHAOS_SCRIPTS, "read_outputs.py"), brokers, registry],
      {
        maxBuffer: 1024 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`the independent reader failed: ${stderr || error.message}`));
        else
          resolve(
            stdout.trim() === ""
              ? []
              : stdout
                  .trim()
                  .split("\n")
                  .map((line) => JSON.parse(line) as ReadRecord),
          );
      },
    );
    child.stdin?.end(JSON.stringify(starts));
  });
}

/** Admin calls right after topic creation or a fault can fail while metadata settles: retry for a minute. */
async function retried<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= 30) throw error;
      await sleep(2_000);
    }
  }
}

async function main(): Promise<number> {
  silenceKafkajsTimeoutWarning();
  const { mode, faults, seed, rate } = options;
  const kinds = (options.only?.split(",") ?? [...FAULT_KINDS]) as FaultKind[];
  for (const kind of kinds) if (!FAULT_KINDS.includes(kind)) throw new Error(`unknown fault kind ${kind}`);
  say(`seed ${seed}, ${mode}, ${faults} faults from ${kinds.join(",")}, ${rate} events/s, ${options.workers} workers`);
  const random = seededRandom(seed);
  const python = await ensureChaosPython(say);
  const env = { ...process.env };
  const restartStack = () => stackUp({ brokerCount: 3, env, say: (line) => say(`stack: ${line}`) });
  const endpoints = await restartStack();
  const brokers = endpoints.brokers.join(",");

  const runId = `${seed}-${Date.now().toString(36)}`;
  const dir = join(ROOT, ".cache", "chaos", runId);
  mkdirSync(dir, { recursive: true });
  const inputTopic = `chaos.${runId}.raw`;
  const groupId = `cdp-router-chaos-${runId}`;
  const kafka = new Kafka({ clientId: "cdp-router-chaos", brokers: endpoints.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [inputTopic], 6, 3);
  await ensureTopics(admin, [...DESTINATION_TOPICS, DEAD_LETTER_TOPIC], 3, 3);
  const outputTopics = [...DESTINATION_TOPICS];
  const starts = [];
  for (const topic of outputTopics) {
    const ends = await retried(() => admin.fetchTopicOffsets(topic));
    starts.push(...ends.map((p) => ({ topic, partition: p.partition, offset: p.high })));
  }

  // About 12 s of load per fault, so the faults fall while events flow.
  const count = rate * Math.max(30, faults * 12);
  const events = generateEvents(count, seed);
  writeFileSync(
    join(dir, "input.ndjson"),
    events.map((e) => JSON.stringify({ k: objectKeyOf(e.bytes), v: e.bytes.toString("base64") })).join("\n"),
  );
  const pipeline = createPipeline(parsePipelineConfig({}, DESTINATION_IDS));
  const expected: ExpectedRecord[] = [];
  events.forEach((event, offset) => {
    const result = pipeline.process({
      bytes: event.bytes,
      timestamp: Date.now(),
      provenance: { topic: inputTopic, partition: 0, offset: String(offset) },
    });
    for (const record of result.routed) {
      const messageId = record.value === null ? null : ((record.value.message_id as string | null) ?? null);
      expected.push({ topic: record.topic, key: record.key, messageId });
    }
  });

  const pool = new WorkerPool(
    {
      ...env,
      KAFKA_BROKERS: brokers,
      SCHEMA_REGISTRY_URL: endpoints.registryUrl,
      CDP_INPUT_TOPICS: inputTopic,
      CDP_GROUP_ID: groupId,
      CDP_DELIVERY: mode,
      CDP_HTTP_PORT: "0",
      CDP_LOG_LEVEL: "info",
    },
    dir,
  );
  const endedOnPurpose = new Set<string>();
  for (let i = 0; i < options.workers; i++) {
    const worker = pool.start();
    pool.watch(worker, () => endedOnPurpose.has(worker.name));
  }
  await sleep(8_000);

  const started = Date.now();
  const producer = spawn(
    python,
    [join(CHAOS_SCRIPTS, "produce.py"), brokers, inputTopic, join(dir, "input.ndjson"), String(rate)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let produced = "";
  producer.stdout.on("data", (chunk: Buffer) => {
    produced += chunk.toString();
  });
  let producing = true;
  const producerDone = new Promise<number | null>((resolve) => producer.on("exit", (code) => resolve(code)));
  producerDone.then(() => {
    producing = false;
  });

  const tally = new Map<string, number>();
  const ctx = { pool, env, random, say, restartStack, minWorkers: 2, maxWorkers: 3, endedOnPurpose };
  let done = 0;
  while (done < faults && producing) {
    await sleep(2_000 + random() * 4_000);
    const kind = kinds[Math.floor(random() * kinds.length)] ?? "kill_worker";
    const what = await runFault(kind, ctx);
    tally.set(kind, (tally.get(kind) ?? 0) + 1);
    done++;
    say(`fault ${done}/${faults} at ${((Date.now() - started) / 1000).toFixed(0)} s: ${what}`);
  }
  const producerCode = await producerDone;
  say(`producer: ${produced.trim()} (exit ${producerCode}) after ${((Date.now() - started) / 1000).toFixed(0)} s`);

  // Caught up: the group's committed offsets reach the end of every input partition.
  const caughtUpFrom = Date.now();
  let caughtUp = false;
  while (Date.now() - caughtUpFrom < 300_000) {
    const ends = await retried(() => admin.fetchTopicOffsets(inputTopic));
    const [committed] = await retried(() => admin.fetchOffsets({ groupId, topics: [inputTopic] }));
    const at = new Map(committed?.partitions.map((p) => [p.partition, p.offset]) ?? []);
    if (ends.every((end) => at.get(end.partition) === end.high)) {
      caughtUp = true;
      break;
    }
    await sleep(2_000);
  }
  const catchUpSeconds = (Date.now() - caughtUpFrom) / 1000;
  await pool.stopAll();
  await admin.disconnect();

  const read = await readOutputs(python, brokers, endpoints.registryUrl, starts);
  const result = compareOutputs(expected, read, inputTopic);
  const sent = JSON.parse(produced.trim() || '{"sent":0,"failed":-1}') as { sent: number; failed: number };
  const faultsLine = [...tally.entries()].map(([kind, n]) => `${kind} ${n}`).join(", ");
  const failed =
    result.missing > 0 ||
    (mode === "exactly-once" && result.duplicated > 0) ||
    result.outOfOrder > 0 ||
    sent.failed !== 0 ||
    sent.sent !== count ||
    !caughtUp ||
    pool.unexpectedExits.length > 0;
  console.log(
    `chaos: ${failed ? "FAILED" : "passed"}: mode=${mode} seed=${seed} events=${count} produced=${sent.sent} produce_failed=${sent.failed} ` +
      `faults=${done} (${faultsLine}) expected_records=${result.expected} read=${result.read} missing=${result.missing} ` +
      `duplicated=${result.duplicated} out_of_order=${result.outOfOrder} caught_up=${caughtUp} in ${catchUpSeconds.toFixed(0)} s ` +
      `unexpected_worker_exits=${pool.unexpectedExits.length} logs=${dir}`,
  );
  if (result.missingExamples.length > 0) {
    writeFileSync(join(dir, "missing.txt"), `${result.missingExamples.join("\n")}\n`);
    say(`missing, for example: ${result.missingExamples.slice(0, 5).join(" | ")} (all in ${join(dir, "missing.txt")})`);
  }
  if (pool.unexpectedExits.length > 0) say(`workers that ended by themselves: ${pool.unexpectedExits.join(", ")}`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`chaos: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(2);
  },
);

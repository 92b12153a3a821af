import { spawn } from "node:child_process";
import {
  closeSync,
  createReadStream,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { Command, InvalidArgumentError, Option } from "commander";
import { type Admin, Kafka, logLevel } from "kafkajs";
import { type GeneratedEvent, generateEvents, seededRandom } from "../bench/event-generator.js";
import { DEAD_LETTER_TOPIC } from "../core/topics.js";
import { DESTINATION_TOPICS, DESTINATIONS } from "../destinations/index.js";
import { ensureTopics } from "../kafka/topic-admin.js";
import { silenceKafkajsTimeoutWarning } from "../kafka/warnings.js";
import { parsePipelineConfig } from "../pipeline/config.js";
import { createPipeline } from "../pipeline/pipeline.js";
import { resolveEndpoints } from "../stack/endpoints.js";
import { stackUp } from "../stack/stack.js";
import { WorkerPool } from "./actors.js";
import { compareOutputs, type ExpectedRecord, type ReadRecord } from "./compare.js";
import { FAULT_KINDS, type FaultContext, type FaultKind, laneOf, runFault } from "./faults.js";
import { presentInputs, readInputDigests, valueDigest } from "./input-check.js";
import { CHAOS_SCRIPTS, ensureChaosPython, PROJECT_ROOT } from "./python.js";
import { describePauses, pausesInLogs, unownedPartitions } from "./rebalances.js";
import { committedOffsets, endOffsets, RecoveryClock, reached } from "./recovery.js";

// `npm run chaos -- [--mode at-least-once|exactly-once] [--faults N] [--seed S] ...`: steady load
// from an independent librdkafka producer into a three-broker stack, 2-3 workers, faults chosen
// at random from a printed seed, then an independent read_committed check of every output
// against the offline pipeline. One line of figures; exit 1 on any loss (or duplicate under
// exactly-once), on a worker ending by itself, or when the group does not catch up.

const say = (line: string) => console.log(`chaos: ${line}`);

/**
 * Seconds of load generated per fault, an upper bound: the producer is stopped once the last fault
 * has ended. A fault with its restart or stall takes up to about 20 s on this machine, one at a
 * time; overlapping faults came every 10 to 16 s in the 150- and 200-fault runs (10 was too few:
 * the producer ran out at 116 of 150 faults in one run).
 */
const LOAD_SECONDS_PER_FAULT = { sequential: 25, overlap: 16 } as const;
/** Load that follows the last fault's end, so that the last fault is met by records in flight. */
const TAIL_MS = 10_000;
const INPUT_PARTITIONS = 6;
const MAX_INPUT_PARTITIONS = 24;
const CATCH_UP_LIMIT_MS = 300_000;

function wholeNumber(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`a whole number from ${min} to ${max}`);
    return n;
  };
}

function faultKinds(value: string): FaultKind[] {
  const kinds = value.split(",").map((kind) => kind.trim());
  for (const kind of kinds)
    if (!(FAULT_KINDS as readonly string[]).includes(kind))
      throw new InvalidArgumentError(`unknown fault kind "${kind}"; the kinds are ${FAULT_KINDS.join(", ")}`);
  return kinds as FaultKind[];
}

interface Options {
  mode: "at-least-once" | "exactly-once";
  faults: number;
  seed: number;
  rate: number;
  workers: number;
  only: FaultKind[];
  overlap: boolean;
  sessionTimeout: number;
  recheck?: string;
  /** Faults in this order instead of drawn at random (a scale-out scenario). */
  script?: FaultKind[];
  inputPartitions: number;
  /** raise_partitions goes to this count (else one or two more). */
  raiseTo?: number;
}

function parseOptions(): Options {
  return new Command("chaos")
    .addOption(
      new Option("--mode <mode>", "delivery mode").choices(["at-least-once", "exactly-once"]).default("at-least-once"),
    )
    .option("--faults <n>", "faults to inject", wholeNumber(1, 100_000), 20)
    .option(
      "--seed <n>",
      "seed for events and faults",
      wholeNumber(0, 2 ** 32 - 1),
      Math.floor(Math.random() * 2 ** 32),
    )
    .option("--rate <events/s>", "producer rate", wholeNumber(1, 20_000), 500)
    .option("--workers <n>", "workers at the start", wholeNumber(1, 3), 2)
    .option(
      "--script <kinds>",
      "inject these faults in this order instead of drawing them (e.g. add_worker,add_worker,raise_partitions)",
      faultKinds,
    )
    .option("--input-partitions <n>", "partitions of the raw topic at the start", wholeNumber(1, 24), INPUT_PARTITIONS)
    .option("--raise-to <n>", "raise_partitions raises the raw topic to this many partitions", wholeNumber(2, 24))
    .option("--only <kinds>", `fault kinds to draw from (comma-separated: ${FAULT_KINDS.join(",")})`, faultKinds, [
      ...FAULT_KINDS,
    ])
    .option("--overlap", "run stalls and broker faults beside the other faults (one per lane at a time)", false)
    .option(
      "--session-timeout <ms>",
      "the workers' CDP_SESSION_TIMEOUT_MS; a worker stall lasts 5 s longer",
      wholeNumber(6_000, 300_000),
      10_000,
    )
    .option(
      "--recheck <run>",
      "inject nothing: check an earlier run's outputs again (its folder name under .cache/chaos)",
    )
    .parse()
    .opts<Options>();
}

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

/** What the offline pipeline makes of every input, in input order (one dedupe window, as one worker has). */
function expectedOutputs(events: ReadonlyArray<Pick<GeneratedEvent, "bytes">>, inputTopic: string): ExpectedRecord[] {
  const pipeline = createPipeline(parsePipelineConfig({}, DESTINATIONS), DESTINATIONS);
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
  return expected;
}

/**
 * Runs the independent reader and parses its lines as they come: a long run's outputs (millions
 * of records) are more text than one JavaScript string can hold.
 */
async function readOutputs(
  python: string,
  brokers: string,
  registry: string,
  starts: unknown[],
): Promise<ReadRecord[]> {
  const child = spawn(python, [join(CHAOS_SCRIPTS, "read_outputs.py"), brokers, registry], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stdin.end(JSON.stringify(starts));
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const records: ReadRecord[] = [];
  for await (const line of createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY }))
    if (line !== "") records.push(JSON.parse(line) as ReadRecord);
  const code = await exited;
  if (code !== 0) throw new Error(`the independent reader failed (exit ${code}): ${stderr}`);
  return records;
}

/**
 * The producer's input, one `{"k": key, "v": base64}` line per event, written in pieces: a long
 * run's file is more text than one JavaScript string can hold.
 */
function writeInputs(file: string, events: ReadonlyArray<Pick<GeneratedEvent, "bytes">>): void {
  const fd = openSync(file, "w");
  try {
    for (let from = 0; from < events.length; from += 10_000) {
      const lines = events
        .slice(from, from + 10_000)
        .map((e) => `${JSON.stringify({ k: objectKeyOf(e.bytes), v: e.bytes.toString("base64") })}\n`);
      writeSync(fd, lines.join(""));
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Inputs the producer was told were delivered but the raw topic does not hold: said loudly and
 * listed in the run's directory. They never reached a worker, so they are not counted against it.
 */
function reportLostInputs(lost: ReadonlyArray<{ readonly bytes: Buffer }>, dir: string): void {
  if (lost.length === 0) return;
  const ids = lost.map(
    (input) => /"messageId":"([^"]*)"/.exec(input.bytes.toString())?.[1] ?? valueDigest(input.bytes),
  );
  writeFileSync(join(dir, "input-lost.txt"), `${ids.join("\n")}\n`);
  say(
    `THE BROKERS LOST ${lost.length} ACKNOWLEDGED INPUT RECORD(S): produced with acks=all and reported delivered, ` +
      `but not in the raw topic (see the brokers' logs for fencing and truncation); no worker saw them, so their ` +
      `outputs are not expected: ${ids.slice(0, 5).join(", ")} (all in ${join(dir, "input-lost.txt")})`,
  );
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

/** The independent producer: writes input.ndjson at `rate`; resolves with its {sent, failed} line. */
function startLoad(python: string, brokers: string, topic: string, file: string, rate: number) {
  const producer = spawn(python, [join(CHAOS_SCRIPTS, "produce.py"), brokers, topic, file, String(rate)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  producer.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const state = { producing: true };
  const done = new Promise<{ produced: number; sent: number; failed: number; code: number | null }>((resolve) =>
    // "close", not "exit": the process can exit before its stdout has been read to the end, and
    // then its summary line was missed (a passing exactly-once run was reported with 0 produced).
    producer.on("close", (code) => {
      state.producing = false;
      const line = JSON.parse(output.trim() || '{"produced":0,"sent":0,"failed":-1}') as {
        produced: number;
        sent: number;
        failed: number;
      };
      resolve({ ...line, code });
    }),
  );
  /** Stops producing after the record in hand; what was produced is still flushed and counted. */
  const stop = () => {
    if (state.producing) producer.kill("SIGTERM");
  };
  return { state, done, stop };
}

/** Polls the group's committed offsets each second for the recovery clock, until stopped. */
function watchRecovery(admin: Admin, groupId: string, topic: string, clock: RecoveryClock) {
  let watching = true;
  const loop = (async () => {
    while (watching) {
      await committedOffsets(admin, groupId, topic)
        .then((committed) => clock.check(committed))
        .catch(() => undefined); // a broker down: the next poll tries again
      await sleep(1_000);
    }
  })();
  return async () => {
    watching = false;
    await loop;
  };
}

/** Waits until the group has committed every input record; returns the seconds it took, or undefined. */
/** Partitions still without an owner after waiting up to `limitMs` for the group to take them up. */
async function allOwned(admin: Admin, groupId: string, topic: string, limitMs: number): Promise<number[]> {
  const from = Date.now();
  for (;;) {
    const unowned = await retried(() => unownedPartitions(admin, groupId, topic)).catch(() => [-1]);
    if (unowned.length === 0 || Date.now() - from > limitMs) {
      if (unowned.length === 0)
        say(`every partition of the raw topic owned (after ${((Date.now() - from) / 1000).toFixed(0)} s)`);
      return unowned;
    }
    await sleep(2_000);
  }
}

async function waitCaughtUp(admin: Admin, groupId: string, topic: string, clock: RecoveryClock) {
  const from = Date.now();
  while (Date.now() - from < CATCH_UP_LIMIT_MS) {
    const ends = await retried(() => endOffsets(admin, topic));
    const committed = await retried(() => committedOffsets(admin, groupId, topic));
    clock.check(committed);
    if (reached(committed, ends)) return (Date.now() - from) / 1000;
    await sleep(2_000);
  }
  return undefined;
}

/**
 * `--recheck RUN`: the independent check of an earlier run again, from its saved inputs, reading
 * the destination topics from their beginning (for a run whose check did not finish).
 */
async function recheck(runId: string): Promise<number> {
  const dir = join(PROJECT_ROOT, ".cache", "chaos", runId);
  // The producer may have stopped before the end of the file: only its first `produced` lines count.
  // Runs from before the producer could stop early have no produced.json: all their lines count.
  const producedFile = join(dir, "produced.json");
  const produced = existsSync(producedFile)
    ? (JSON.parse(readFileSync(producedFile, "utf8")) as { produced: number })
    : { produced: Number.POSITIVE_INFINITY };
  const inputs: Array<{ bytes: Buffer }> = [];
  for await (const line of createInterface({ input: createReadStream(join(dir, "input.ndjson")) })) {
    if (inputs.length >= produced.produced) break;
    if (line !== "") inputs.push({ bytes: Buffer.from((JSON.parse(line) as { v: string }).v, "base64") });
  }
  const inputTopic = `chaos.${runId}.raw`;
  const python = await ensureChaosPython(say);
  const endpoints = resolveEndpoints(process.env, 3);
  const { present, lost } = presentInputs(
    inputs,
    await readInputDigests(python, endpoints.brokers.join(","), inputTopic),
  );
  reportLostInputs(lost, dir);
  const expected = expectedOutputs(present, inputTopic);
  const kafka = new Kafka({ clientId: "cdp-router-chaos", brokers: endpoints.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const starts = [];
  for (const topic of DESTINATION_TOPICS)
    starts.push(...(await admin.fetchTopicOffsets(topic)).map((p) => ({ topic, partition: p.partition, offset: "0" })));
  await admin.disconnect();
  const result = compareOutputs(
    expected,
    await readOutputs(python, endpoints.brokers.join(","), endpoints.registryUrl, starts),
    inputTopic,
  );
  const failed = result.missing > 0 || result.outOfOrder > 0;
  console.log(
    `chaos: recheck ${failed ? "FAILED" : "passed"}: run=${runId} events=${inputs.length} input_lost_by_brokers=${lost.length} expected_records=${result.expected} ` +
      `read=${result.read} missing=${result.missing} duplicated=${result.duplicated} out_of_order=${result.outOfOrder}`,
  );
  return failed ? 1 : 0;
}

async function main(): Promise<number> {
  silenceKafkajsTimeoutWarning();
  const options = parseOptions();
  if (options.recheck) return recheck(options.recheck);
  const { mode, seed, rate } = options;
  const faults = options.script?.length ?? options.faults;
  say(
    `seed ${seed}, ${mode}, ${faults} faults ${options.script ? `in order: ${options.script.join(",")}` : `from ${options.only.join(",")}`}${options.overlap ? " (overlapping)" : ""}, ` +
      `${rate} events/s, ${options.workers} workers, session timeout ${options.sessionTimeout / 1000} s`,
  );
  const random = seededRandom(seed);
  const python = await ensureChaosPython(say);
  const env = { ...process.env };
  const restartStack = () => stackUp({ brokerCount: 3, env, say: (line) => say(`stack: ${line}`) });
  const endpoints = await restartStack();
  const brokers = endpoints.brokers.join(",");

  const runId = `${seed}-${Date.now().toString(36)}`;
  const dir = join(PROJECT_ROOT, ".cache", "chaos", runId);
  mkdirSync(dir, { recursive: true });
  const inputTopic = `chaos.${runId}.raw`;
  const groupId = `cdp-router-chaos-${runId}`;
  const kafka = new Kafka({ clientId: "cdp-router-chaos", brokers: endpoints.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  // Earlier runs' raw topics are not read again (a recheck reads the destination topics): each
  // adds up to 24 partitions that a killed broker must recover before it serves, 0.2-0.5 s each.
  // A client of its own: kafkajs's admin keeps asking for the metadata of topics it deleted.
  const cleaner = kafka.admin();
  await cleaner.connect();
  const stale = (await retried(() => cleaner.listTopics())).filter(
    (t) => /^chaos\..+\.raw$/.test(t) && t !== inputTopic,
  );
  if (stale.length > 0) {
    await retried(() => cleaner.deleteTopics({ topics: stale, timeout: 30_000 }));
    say(`deleted ${stale.length} earlier runs' raw topic(s)`);
  }
  await cleaner.disconnect();
  await retried(() => ensureTopics(admin, [inputTopic], options.inputPartitions, 3));
  await ensureTopics(admin, [...DESTINATION_TOPICS, DEAD_LETTER_TOPIC], 3, 3);
  const starts = [];
  for (const topic of DESTINATION_TOPICS) {
    const ends = await retried(() => admin.fetchTopicOffsets(topic));
    starts.push(...ends.map((p) => ({ topic, partition: p.partition, offset: p.high })));
  }

  const count = rate * Math.max(30, faults * LOAD_SECONDS_PER_FAULT[options.overlap ? "overlap" : "sequential"]);
  const events = generateEvents(count, seed);
  const inputFile = join(dir, "input.ndjson");
  writeInputs(inputFile, events);

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
      CDP_SESSION_TIMEOUT_MS: String(options.sessionTimeout),
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
  const load = startLoad(python, brokers, inputTopic, inputFile, rate);
  let partitions = options.inputPartitions;
  const ctx: FaultContext = {
    pool,
    env,
    random,
    say,
    restartStack,
    minWorkers: Math.min(2, options.workers),
    maxWorkers: 3,
    endedOnPurpose,
    stalled: new Set(),
    workerStallMs: options.sessionTimeout + 5_000,
    raisePartitions: async () => {
      if (partitions >= (options.raiseTo ?? MAX_INPUT_PARTITIONS))
        return `input topic already has ${partitions} partitions`;
      const to = options.raiseTo ?? partitions + 1 + Math.floor(random() * 2);
      // Idempotent: an attempt whose answer was lost (a broker fault) may have raised the count
      // already, and asking again for the same count is refused (INVALID_PARTITIONS): seen in CI.
      await retried(async () => {
        const metadata = await admin.fetchTopicMetadata({ topics: [inputTopic] });
        if ((metadata.topics[0]?.partitions.length ?? 0) >= to) return;
        await admin.createPartitions({ topicPartitions: [{ topic: inputTopic, count: to }] });
      });
      const from = partitions;
      partitions = to;
      return `raised the input topic's partitions from ${from} to ${to}`;
    },
  };
  const clock = new RecoveryClock();
  const stopWatching = watchRecovery(admin, groupId, inputTopic, clock);
  const tally = new Map<string, number>();
  let done = 0;
  const lanes = new Map<string, Promise<void>>();
  const inject = async (kind: FaultKind) => {
    const what = await runFault(kind, ctx);
    await endOffsets(admin, inputTopic)
      .then((ends) => clock.record(kind, ends))
      .catch(() => undefined);
    done++;
    say(`fault ${done}/${faults} at ${((Date.now() - started) / 1000).toFixed(0)} s: ${what}`);
  };
  let injected = 0;
  const script = options.script;
  while (injected < (script?.length ?? faults) && load.state.producing) {
    // A scripted change waits for the group to settle after the one before it.
    await sleep(script ? 10_000 : 1_000 + random() * 3_000);
    const kind = script?.[injected] ?? options.only[Math.floor(random() * options.only.length)] ?? "kill_worker";
    tally.set(kind, (tally.get(kind) ?? 0) + 1);
    injected++;
    const lane = options.overlap ? laneOf(kind) : undefined;
    if (lane === undefined) {
      await inject(kind);
      continue;
    }
    await lanes.get(lane);
    lanes.set(lane, inject(kind));
  }
  await Promise.all(lanes.values());
  await sleep(TAIL_MS);
  load.stop();
  const sent = await load.done;
  say(
    `producer: produced ${sent.produced} of ${count}, sent ${sent.sent}, failed ${sent.failed} (exit ${sent.code}) ` +
      `after ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  writeFileSync(join(dir, "produced.json"), JSON.stringify({ produced: sent.produced }));
  const { present, lost } = presentInputs(
    events.slice(0, sent.produced),
    await readInputDigests(python, brokers, inputTopic),
  );
  reportLostInputs(lost, dir);
  const expected = expectedOutputs(present, inputTopic);
  // The events themselves (about a kilobyte each) are not needed again: the check holds millions
  // of expected and read records next, and a 164-fault run ran out of a 4 GB heap there.
  events.length = 0;

  const catchUpSeconds = await waitCaughtUp(admin, groupId, inputTopic, clock);
  await stopWatching();
  // Every partition, added ones included, owned by a member: the workers notice added partitions
  // at their next metadata refresh (30 s) and rejoin, so this waits up to 90 s for it.
  const unowned = await allOwned(admin, groupId, inputTopic, 90_000);
  await pool.stopAll();
  await admin.disconnect();

  const read = await readOutputs(python, brokers, endpoints.registryUrl, starts);
  const result = compareOutputs(expected, read, inputTopic);
  const faultsLine = [...tally.entries()].map(([kind, n]) => `${kind} ${n}`).join(", ");
  const failed =
    result.missing > 0 ||
    (mode === "exactly-once" && result.duplicated > 0) ||
    result.outOfOrder > 0 ||
    sent.failed !== 0 ||
    sent.sent !== sent.produced ||
    catchUpSeconds === undefined ||
    pool.unexpectedExits.length > 0 ||
    pool.hungOnStop.length > 0 ||
    unowned.length > 0;
  console.log(
    `chaos: ${failed ? "FAILED" : "passed"}: mode=${mode} seed=${seed} events=${sent.produced} produced=${sent.sent} produce_failed=${sent.failed} ` +
      `input_lost_by_brokers=${lost.length} ` +
      `faults=${done} (${faultsLine}) expected_records=${result.expected} read=${result.read} missing=${result.missing} ` +
      `duplicated=${result.duplicated} out_of_order=${result.outOfOrder} caught_up=${catchUpSeconds !== undefined} ` +
      `in ${(catchUpSeconds ?? CATCH_UP_LIMIT_MS / 1000).toFixed(0)} s unexpected_worker_exits=${pool.unexpectedExits.length} ` +
      `hung_on_sigterm=${pool.hungOnStop.length} unowned_partitions=${unowned.length} logs=${dir}`,
  );
  say(`rebalances (no processing from "rebalancing" to the join, per member): ${describePauses(pausesInLogs(dir))}`);
  say(`recovery (median/max seconds until input written before the fault's end was committed): ${clock.summary()}`);
  if (result.missingExamples.length > 0) {
    writeFileSync(join(dir, "missing.txt"), `${result.missingExamples.join("\n")}\n`);
    say(`missing, for example: ${result.missingExamples.slice(0, 5).join(" | ")} (all in ${join(dir, "missing.txt")})`);
  }
  if (pool.unexpectedExits.length > 0) say(`workers that ended by themselves: ${pool.unexpectedExits.join(", ")}`);
  if (pool.hungOnStop.length > 0) say(`workers that did not exit after SIGTERM: ${pool.hungOnStop.join(", ")}`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`chaos: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(2);
  },
);

import { type ChildProcess, spawn } from "node:child_process";
import { SchemaRegistry } from "@kafkajs/confluent-schema-registry";
import type { Consumer } from "kafkajs";
import { inject } from "vitest";
import { LOGICAL_TYPES } from "../../src/avro/json-type.js";
import type { JsonObject } from "../../src/events/json.js";
import { testKafka, uniqueTopic } from "./kafka.js";
import { lastLines } from "./steps.js";

const CLI = new URL("../../bin/cdp-router.js", import.meta.url).pathname;

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly logs: string[];
  /** Resolves when the worker has joined its group and runs. */
  readonly running: Promise<void>;
  readonly exited: Promise<number | null>;
}

/** `cdp-router run` as a child process, exactly as a user or Kubernetes starts it. */
export function startWorker(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, [CLI, "run"], {
    env: {
      ...process.env,
      KAFKA_BROKERS: inject("kafkaBrokers").join(","),
      SCHEMA_REGISTRY_URL: inject("schemaRegistryUrl"),
      CDP_HTTP_PORT: "0",
      CDP_LOG_LEVEL: "info",
      CDP_SHUTDOWN_GRACE_MS: "10000",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  let markRunning: () => void = () => {};
  const running = new Promise<void>((resolve) => {
    markRunning = resolve;
  });
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    logs.push(text);
    if (text.includes("cdp-router worker running")) markRunning();
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  // A worker that dies before it runs fails the test at once, with its logs, not at the timeout.
  const runningOrDead = Promise.race([
    running,
    exited.then((code) => {
      throw new Error(`the worker exited (${code}) before running:\n${logs.join("")}`);
    }),
  ]);
  runningOrDead.catch(() => undefined);
  return { child, logs, running: runningOrDead, exited };
}

export interface DecodedRecord {
  readonly topic: string;
  readonly key: string | null;
  readonly value: JsonObject | null;
}

/** A record as read, with where it sits. */
export interface ReadRecord extends DecodedRecord {
  readonly partition: number;
  readonly offset: string;
}

/** Topic, key and value only: what a comparison with records the test expects looks at. */
export function contents(records: readonly DecodedRecord[]): DecodedRecord[] {
  return records.map(({ topic, key, value }) => ({ topic, key, value }));
}

/**
 * Reads destination topics from the beginning (read_committed unless told otherwise), decoding
 * through the registry, and keeps the records whose source_topic is `sourceTopic` (tombstones are
 * matched by key prefix). Resolves once `done(records)` holds; rejects after `timeoutMs`.
 */
export interface TopicPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** Where each partition of `topics` ends now: read from there, a test sees only what came after. */
export async function endOffsets(topics: string[]): Promise<TopicPosition[]> {
  const admin = testKafka("positions").admin();
  await admin.connect();
  try {
    const positions: TopicPosition[] = [];
    const existing = new Set(await admin.listTopics());
    // A topic the worker has not created yet has no history: it is read from its beginning.
    for (const topic of topics.filter((t) => existing.has(t))) {
      for (const p of await admin.fetchTopicOffsets(topic))
        positions.push({ topic, partition: p.partition, offset: p.high });
    }
    return positions;
  } finally {
    await admin.disconnect();
  }
}

/** Awaits `work`; if it fails, the error carries the worker's last log lines, so a CI failure says why. */
export async function explainedBy<T>(worker: WorkerProcess, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    const tail = lastLines(worker.logs.join(""), 40);
    throw new Error(`${(error as Error).message}\nthe worker's last log lines:\n${tail}`);
  }
}

export async function collectOutputs(
  topics: string[],
  matches: (record: ReadRecord) => boolean,
  done: (records: ReadRecord[]) => boolean,
  timeoutMs: number,
  readUncommitted = false,
  since: readonly TopicPosition[] = [],
): Promise<ReadRecord[]> {
  const registry = new SchemaRegistry(
    { host: inject("schemaRegistryUrl") },
    { forSchemaOptions: { logicalTypes: LOGICAL_TYPES } },
  );
  const consumer: Consumer = testKafka("output-reader").consumer({
    groupId: uniqueTopic("reader"),
    readUncommitted,
    allowAutoTopicCreation: false,
  });
  const records: ReadRecord[] = [];
  // A reader's consumer can be handed a record twice (a fetch retried, a restart after an error):
  // it is the same record, at the same position, and counts once. A duplicate the worker wrote
  // sits at another offset.
  const positions = new Set<string>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    return await new Promise<ReadRecord[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out with ${records.length} matching records`)), timeoutMs);
      const running = consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          const position = `${topic}/${partition}/${message.offset}`;
          if (positions.has(position)) return;
          positions.add(position);
          let value: JsonObject | null;
          try {
            value = message.value ? ((await registry.decode(message.value)) as JsonObject) : null;
          } catch (error) {
            // kafkajs would retry the message and restart the reader for ever: fail with the cause instead.
            clearTimeout(timer);
            reject(new Error(`decoding ${topic} offset ${message.offset}: ${(error as Error).message}`));
            return;
          }
          const record = {
            topic,
            partition,
            offset: message.offset,
            key: message.key?.toString() ?? null,
            value: value ? (JSON.parse(JSON.stringify(value)) as JsonObject) : null,
          };
          if (matches(record)) records.push(record);
          if (done(records)) {
            clearTimeout(timer);
            resolve(records);
          }
        },
      });
      // The topics are shared by every test (and every earlier run of the local stack): start
      // where they ended before this test produced anything.
      for (const position of since) consumer.seek(position);
      running.catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}

import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, inject, it } from "vitest";
import { cli } from "../support/cli.js";
import { integrationHarness } from "../support/harness.js";
import { createTopic, uniqueTopic } from "../support/kafka.js";
import { collectOutputs, type DecodedRecord, explainedBy, startWorker } from "../support/worker-process.js";

// `cdp-router replay` against the real broker and registry, as a user runs it. Each replay writes
// to shadow topics under a prefix of its own, so that what it produced is read apart from every
// other test's outputs (and from the live worker's, which runs beside it).

const { admin, producer, workers } = integrationHarness("replay");
const CLI = new URL("../../bin/cdp-router.js", import.meta.url).pathname;
const MINUTE = 60_000;

function stackEnv(delivery: string): Record<string, string> {
  return {
    KAFKA_BROKERS: inject("kafkaBrokers").join(","),
    SCHEMA_REGISTRY_URL: inject("schemaRegistryUrl"),
    CDP_DELIVERY: delivery,
    CDP_LOG_LEVEL: "warn",
  };
}

/** Group calls `from`..`to`-1, each on its own object, stamped `timestamp`; spread over the partitions by key. */
function groupCalls(topic: string, from: number, to: number, timestamp: number) {
  const calls = [];
  for (let i = from; i < to; i++) {
    const call = { type: "group", userId: `u-${i}`, groupId: `g-${i}`, messageId: `${topic}-${i}` };
    calls.push({
      key: `g-${i}`,
      timestamp: String(timestamp),
      value: JSON.stringify({ ...call, traits: { name: `Company ${i}`, plan: "pro" } }),
    });
  }
  return calls;
}

const ids = (topic: string, from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `${topic}-${from + i}`).sort();

/**
 * The message ids in a shadow topic, read_committed, once `expected` distinct ones are there (at-least-once
 * may repeat some), read again a moment later so that extras show.
 */
async function messageIdsIn(topic: string, expected: number): Promise<string[]> {
  const distinct = (found: DecodedRecord[]) => new Set(found.map((record) => record.value?.message_id)).size;
  const records = await collectOutputs(
    [topic],
    () => true,
    (found) => distinct(found) >= expected,
    2 * MINUTE,
  );
  await sleep(1_000);
  const again = await collectOutputs(
    [topic],
    () => true,
    (found) => found.length >= records.length,
    MINUTE,
  );
  return again.map((record) => String(record.value?.message_id)).sort();
}

async function recordsIn(topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}

async function committed(groupId: string, topic: string): Promise<string[]> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (offsets?.partitions ?? []).sort((a, b) => a.partition - b.partition).map((p) => p.offset);
}

interface Summary {
  status: string;
  resumed: boolean;
  events: number;
  records: Record<string, number>;
  outcomes: Record<string, number>;
}

function summaryOf(output: string): Summary {
  const line = output.split("\n").find((text) => text.startsWith('{"replay"') && text.includes('"status"'));
  if (!line) throw new Error(`no summary in the replay's output:\n${output}`);
  return JSON.parse(line) as Summary;
}

describe.each(["at-least-once", "exactly-once"])("cdp-router replay (%s)", (delivery) => {
  it(
    "replays a time range beside the live worker: every event inside it to the chosen destination only, none outside, the live group's offsets untouched",
    async () => {
      const topic = uniqueTopic("replay-range");
      const liveGroup = uniqueTopic("replay-live");
      const prefix = `shadow-${randomUUID().slice(0, 8)}.`;
      await createTopic(admin, topic, 3);
      const now = Date.now();
      // Before, inside and after the range (recent times: the local broker keeps 72 hours).
      await producer.send({ topic, acks: -1, messages: groupCalls(topic, 0, 20, now - 30 * MINUTE) });
      await producer.send({ topic, acks: -1, messages: groupCalls(topic, 20, 50, now - 20 * MINUTE) });
      await producer.send({ topic, acks: -1, messages: groupCalls(topic, 50, 60, now - 10 * MINUTE) });

      const live = startWorker({ CDP_INPUT_TOPICS: topic, CDP_GROUP_ID: liveGroup, CDP_DELIVERY: delivery });
      workers.push(live);
      await explainedBy(live, live.running);
      const deadline = Date.now() + 2 * MINUTE;
      while ((await committed(liveGroup, topic)).reduce((sum, o) => sum + Math.max(0, Number(o)), 0) < 60) {
        if (Date.now() > deadline) throw new Error("the live worker did not commit its input");
        await sleep(250);
      }
      const liveBefore = await committed(liveGroup, topic);

      const from = new Date(now - 25 * MINUTE).toISOString();
      const to = new Date(now - 15 * MINUTE).toISOString();
      const run = await cli(
        [
          "replay",
          "--topics",
          topic,
          "--from",
          from,
          "--to",
          to,
          "--destinations",
          "customerio",
          "--output-prefix",
          prefix,
        ],
        { ...stackEnv(delivery), CDP_TOPIC_PARTITIONS: "1" },
        undefined,
        3 * MINUTE,
      );
      expect(run.code, run.output).toBe(0);
      const summary = summaryOf(run.output);
      expect(summary.events).toBe(30);
      expect(summary.records).toEqual({ customerio: 30 });

      const replayed = await messageIdsIn(`${prefix}cdp.dest.customerio`, 30);
      if (delivery === "exactly-once") expect(replayed).toEqual(ids(topic, 20, 50));
      else expect([...new Set(replayed)]).toEqual(ids(topic, 20, 50));
      expect(await recordsIn(`${prefix}cdp.dest.mixpanel`)).toBe(0);
      expect(await recordsIn(`${prefix}cdp.dest.warehouse.groups`)).toBe(0);
      expect(await committed(liveGroup, topic)).toEqual(liveBefore);
    },
    8 * MINUTE,
  );

  it(
    "a replay SIGKILLed part-way resumes when run again and ends with what an uninterrupted one writes",
    async () => {
      const topic = uniqueTopic("replay-resume");
      const prefix = `shadow-${randomUUID().slice(0, 8)}.`;
      const id = `resume-${randomUUID().slice(0, 8)}`;
      await createTopic(admin, topic, 3);
      const total = 3_000;
      await producer.send({ topic, acks: -1, messages: groupCalls(topic, 0, total, Date.now()) });
      const args = ["replay", "--topics", topic, "--from", "earliest", "--to", "now", "--id", id];
      const shadow = [...args, "--destinations", "customerio", "--output-prefix", prefix, "--rate", "400"];

      const child = spawn(process.execPath, [CLI, ...shadow, "--progress-every", "1"], {
        // Commits every second (at-least-once), so that some progress is committed before the kill.
        env: {
          ...process.env,
          ...stackEnv(delivery),
          CDP_HTTP_PORT: "0",
          CDP_TOPIC_PARTITIONS: "1",
          CDP_COMMIT_INTERVAL_MS: "1000",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const output: string[] = [];
      const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
      let killedAt = 0;
      child.stderr.on("data", (chunk: Buffer) => {
        output.push(chunk.toString());
        const done = [...chunk.toString().matchAll(/"done":(\d+)/g)].map((m) => Number(m[1]));
        if (killedAt === 0 && done.some((n) => n >= 1_200)) {
          killedAt = Math.max(...done);
          child.kill("SIGKILL");
        }
      });
      await exited;
      expect(killedAt, output.join("")).toBeGreaterThan(0);
      expect(killedAt).toBeLessThan(total);

      const resumed = await cli(shadow, { ...stackEnv(delivery), CDP_TOPIC_PARTITIONS: "1" }, undefined, 3 * MINUTE);
      expect(resumed.code, resumed.output).toBe(0);
      const summary = summaryOf(resumed.output);
      expect(summary.resumed).toBe(true);
      expect(summary.status).toBe("complete");
      expect(summary.events).toBeLessThan(total);

      const replayed = await messageIdsIn(`${prefix}cdp.dest.customerio`, total);
      if (delivery === "exactly-once") expect(replayed).toEqual(ids(topic, 0, total));
      else expect([...new Set(replayed)]).toEqual(ids(topic, 0, total));

      // Run once more: the plan's end is where it was fixed, so records written since are not in it.
      await producer.send({ topic, acks: -1, messages: groupCalls(topic, total, total + 10, Date.now()) });
      const again = await cli(shadow, { ...stackEnv(delivery), CDP_TOPIC_PARTITIONS: "1" }, undefined, 2 * MINUTE);
      expect(again.code, again.output).toBe(0);
      expect(summaryOf(again.output).status).toBe("already_complete");
    },
    8 * MINUTE,
  );
});

describe("cdp-router replay: dry run and bad arguments", () => {
  it(
    "--dry-run reports what the replay would produce, and produces and commits nothing",
    async () => {
      const topic = uniqueTopic("replay-dry");
      const id = `dry-${randomUUID().slice(0, 8)}`;
      await createTopic(admin, topic, 1);
      const calls = groupCalls(topic, 0, 10, Date.now());
      const bad = { key: "x", timestamp: String(Date.now()), value: "{not json" };
      await producer.send({ topic, acks: -1, messages: [...calls, bad] });
      const before = await recordsIn("cdp.dest.customerio");
      const run = await cli(
        ["replay", "--topics", topic, "--from", "earliest", "--id", id, "--dry-run"],
        stackEnv("at-least-once"),
        undefined,
        2 * MINUTE,
      );
      expect(run.code, run.output).toBe(0);
      const summary = summaryOf(run.output);
      expect(summary.status).toBe("dry_run");
      expect(summary.outcomes).toEqual({ routed: 10, skipped: 0, dead_letter: 1 });
      expect(summary.records.customerio).toBe(10);
      expect(await recordsIn("cdp.dest.customerio")).toBe(before);
      expect(await committed(`cdp-router-replay-${id}`, topic)).toEqual(["-1"]);
    },
    3 * MINUTE,
  );

  it(
    "refuses bad arguments with a clear error and exit code 2",
    async () => {
      const topic = uniqueTopic("replay-args");
      await createTopic(admin, topic, 1);
      const env = stackEnv("at-least-once");
      const cases: Array<[string[], RegExp]> = [
        [["--from", "2026-11-02T00:00:00Z", "--to", "2026-11-01T00:00:00Z"], /--to is before --from/],
        [["--from", "earliest", "--topics", "no.such.topic"], /unknown topic\(s\): no.such.topic/],
        [["--from", "earliest", "--destinations", "customerio,nowhere"], /unknown destination\(s\): nowhere/],
        [["--from", "earliest", "--topics", topic], /the range holds no records/],
        [["--from", "2026-11-01T09:00"], /needs a time zone/],
        [["--from", `${topic}:7:0`, "--topics", topic], /is not a partition of the replayed topics/],
      ];
      for (const [args, message] of cases) {
        const run = await cli(["replay", ...args], env, undefined, MINUTE);
        expect(run.output).toMatch(message);
        expect(run.code, run.output).toBe(2);
      }
      // The same id with other arguments is refused rather than mixing two replays.
      await producer.send({ topic, acks: -1, messages: groupCalls(topic, 0, 3, Date.now()) });
      const id = `args-${randomUUID().slice(0, 8)}`;
      const first = await cli(
        ["replay", "--topics", topic, "--from", "earliest", "--id", id, "--output-prefix", "args."],
        env,
      );
      expect(first.code, first.output).toBe(0);
      const other = await cli(
        ["replay", "--topics", topic, "--from", "earliest", "--id", id, "--destinations", "hubspot"],
        env,
      );
      expect(other.code, other.output).toBe(2);
      expect(other.output).toMatch(/was started with other arguments/);
    },
    4 * MINUTE,
  );
});

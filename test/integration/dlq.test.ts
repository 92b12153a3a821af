import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, inject, it } from "vitest";
import { type CliRun, cli } from "../support/cli.js";
import { integrationHarness } from "../support/harness.js";
import { createTopic, uniqueTopic } from "../support/kafka.js";
import { lastLines, Steps } from "../support/steps.js";
import { collectOutputs, explainedBy, startWorker } from "../support/worker-process.js";

// `cdp-router dlq list` and `dlq replay` on the real broker and registry: a live worker with a
// too-tight configuration dead-letters an event, the configuration is fixed, and the re-drive routes
// it; a record that is still wrong goes back to the dead-letter topic once, with its attempt count.

const { admin, producer, workers } = integrationHarness("dlq");
const MINUTE = 60_000;
/** A CLI run's limit, and its step's: the limit, the CLI's stop grace after SIGTERM and a margin. */
const CLI_LIMIT = 45_000;
const CLI_STEP = CLI_LIMIT + 20_000;
const REPLAY_LIMIT = 100_000;
const REPLAY_STEP = REPLAY_LIMIT + 20_000;

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_BROKERS: inject("kafkaBrokers").join(","),
    SCHEMA_REGISTRY_URL: inject("schemaRegistryUrl"),
    CDP_LOG_LEVEL: "warn",
    CDP_TOPIC_PARTITIONS: "1",
    ...extra,
  };
}

function call(topic: string, name: string, traits: Record<string, unknown>) {
  const event = { type: "group", userId: `u-${name}`, groupId: `g-${name}`, messageId: `${topic}-${name}`, traits };
  return { key: `g-${name}`, value: JSON.stringify(event) };
}

async function committedTotal(groupId: string, topic: string): Promise<number> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

/** What a CLI step keeps for the failure report: its exit code, time and last lines. */
function ran(run: CliRun): string {
  return `exit ${run.code} in ${run.seconds.toFixed(1)} s\n${lastLines(run.output, 12)}`;
}

describe.each(["at-least-once", "exactly-once"])("cdp-router dlq (%s)", (delivery) => {
  it("after a configuration fix, dlq replay routes the dead letters; one still wrong goes back once with its attempt count, and is not re-driven in a loop", {
    // The steps' limits (about 10 minutes in all; a passing run takes about 30 s) and a margin.
    timeout: 11 * MINUTE,
    // One CI run (of four) timed out here at the old 360 s limit with no sign of where; 16 local
    // runs passed in about 30 s. Until the step report names the stuck step, a second attempt
    // keeps that unexplained stall from blocking CI; the first attempt's report is still printed.
    retry: 1,
  }, async () => {
    // Each step has its own limit (a CLI run's is its own limit and a stop grace): a slow run
    // fails naming the step, and any failure prints every step's time and output.
    const steps = new Steps();
    const topic = uniqueTopic("dlq-source");
    const group = uniqueTopic("dlq-live");
    const prefix = `shadow-${randomUUID().slice(0, 8)}.`;
    const since = new Date(Date.now() - 1_000).toISOString();
    const wide: Record<string, unknown> = {};
    for (let i = 0; i < 30; i++) wide[`trait_${i}`] = i;
    await steps.run("create the source topic and send three events", 30_000, async () => {
      await createTopic(admin, topic, 1);
      await producer.send({
        topic,
        acks: -1,
        messages: [
          call(topic, "wide", wide),
          call(topic, "plain", { name: "Acme" }),
          { key: "g-broken", value: '{"type":"group","groupId":' },
        ],
      });
    });
    // The live worker's configuration is too tight: 30 traits are over its 20 keys.
    const dir = mkdtempSync(join(tmpdir(), "cdp-dlq-"));
    const tight = join(dir, "pipeline.json");
    writeFileSync(tight, JSON.stringify({ limits: { maxKeys: 20 } }));
    const live = startWorker({
      CDP_INPUT_TOPICS: topic,
      CDP_GROUP_ID: group,
      CDP_DELIVERY: delivery,
      CDP_PIPELINE_CONFIG: tight,
    });
    workers.push(live);
    const liveLogs = () => lastLines(live.logs.join(""), 12);
    await steps.run("start the live worker", MINUTE, () => explainedBy(live, live.running));
    await steps.run(
      "the live worker commits its input",
      MINUTE,
      async () => {
        while ((await committedTotal(group, topic)) < 3) await sleep(250);
      },
      liveLogs,
    );

    const listed = await steps.run(
      "dlq list --json",
      CLI_STEP,
      () =>
        cli(
          ["dlq", "list", "--since", since, "--code", "too_many_keys,malformed_json", "--json"],
          env(),
          undefined,
          CLI_LIMIT,
        ),
      ran,
    );
    expect(listed.code, listed.output).toBe(0);
    const summary = JSON.parse(listed.output.split("\n").find((line) => line.startsWith("{")) ?? "{}") as {
      examples: Array<{ source: { topic: string }; code: string; attempt: number }>;
    };
    const ours = summary.examples.filter((example) => example.source.topic === topic);
    expect(ours.map((example) => example.code).sort()).toEqual(["malformed_json", "too_many_keys"]);
    expect(ours.every((example) => example.attempt === 1)).toBe(true);
    const text = await steps.run(
      "dlq list (text)",
      CLI_STEP,
      () => cli(["dlq", "list", "--since", since, "--code", "too_many_keys"], env(), undefined, CLI_LIMIT),
      ran,
    );
    expect(text.output).toMatch(/by code: too_many_keys \d+/);
    expect(text.output).toMatch(/event has more than 20 keys/);

    // The fix: the default configuration (10,000 keys). The re-drive writes to shadow topics.
    const redrive = [
      "dlq",
      "replay",
      "--since",
      since,
      "--code",
      "too_many_keys,malformed_json",
      "--destinations",
      "customerio",
      "--output-prefix",
      prefix,
    ];
    const replay = (step: string) =>
      steps.run(step, REPLAY_STEP, () => cli(redrive, env({ CDP_DELIVERY: delivery }), undefined, REPLAY_LIMIT), ran);
    const first = await replay("dlq replay");
    expect(first.code, first.output).toBe(0);

    const routed = await steps.run("read the re-driven event", 45_000, () =>
      collectOutputs(
        [`${prefix}cdp.dest.customerio`],
        (record) => record.value?.source_topic === topic,
        (found) => found.length >= 1,
        40_000,
      ),
    );
    expect(routed.map((record) => record.value?.message_id)).toEqual([`${topic}-wide`]);
    // Its provenance is the raw record's, not the dead-letter topic's.
    expect(routed[0]?.value?.source_offset).toBe(0);

    const again = await steps.run("read the dead letter sent back", 45_000, () =>
      collectOutputs(
        [`${prefix}cdp.dlq`],
        (record) => record.value?.source_topic === topic,
        (found) => found.length >= 1,
        40_000,
      ),
    );
    await sleep(1_000);
    expect(again).toHaveLength(1);
    expect(again[0]?.value).toMatchObject({
      code: "malformed_json",
      attempt: 2,
      previous_code: "malformed_json",
      source_offset: 2,
    });

    // Run again: its range was fixed at the first start, so nothing is re-driven twice.
    const second = await replay("dlq replay again");
    expect(second.code, second.output).toBe(0);
    // (exactly-once may read the range's last transaction marker again: "complete", with no event.)
    expect(second.output).toMatch(/"status":"(already_)?complete"/);
    expect(second.output).toMatch(/"events":0,/);
  });
});

import { Command, Option } from "commander";
import pino from "pino";
import { DEAD_LETTER_TOPIC } from "../core/topics.js";
import { kafkaClient } from "../kafka/client.js";
import { DeadLetterReader } from "../kafka/dead-letter-reader.js";
import type { DeadLetterValue } from "../kafka/dead-letters.js";
import { rangeNow } from "../kafka/replay-store.js";
import { registryAdmin } from "../kafka/start-up.js";
import { readRanges } from "../kafka/topic-reader.js";
import { createLogger } from "../ops/logger.js";
import { type DeadLetterSelection, describeSelection, selectDeadLetter } from "../replay/dead-letter-selection.js";
import { checkReplayId, defaultReplayId, type ReplayRequest } from "../replay/plan.js";
import { type Bound, parseBound } from "../replay/range.js";
import { DeadLetterCounts, describeCounts, describeDeadLetter } from "./dlq-view.js";
import {
  DESTINATIONS_HELP,
  destinationsOption,
  EXIT_CODES_HELP,
  fail,
  list,
  OUTPUT_PREFIX_HELP,
  outputPrefixOption,
  positiveNumber,
  replayWorkerConfig,
  withReportingOptions,
} from "./replay-options.js";
import { runReplay } from "./replay-runner.js";

/**
 * A dead letter's Kafka timestamp is when it was produced, a moment after its `failed_at`: the
 * range read for `--until` runs this much further, and `failed_at` decides exactly.
 */
const UNTIL_MARGIN_MS = 5 * 60_000;

interface SelectionFlags {
  code?: string;
  since?: string;
  until?: string;
}

function instant(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const bound = parseBound(option, text);
  if (!bound.ok) fail(bound.error);
  if (bound.value.kind !== "time") fail(`${option} takes an ISO-8601 instant, such as 2026-11-01T09:00:00Z`);
  return bound.value.ms;
}

function selectionOf(flags: SelectionFlags, maxAttempts: number): DeadLetterSelection {
  const since = instant("--since", flags.since);
  const until = instant("--until", flags.until);
  if (since !== undefined && until !== undefined && until <= since) fail("--until is not after --since");
  return {
    codes: flags.code === undefined ? [] : [...new Set(list(flags.code))].sort(),
    maxAttempts,
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
  };
}

/** The part of cdp.dlq to read: from `--since` to `--until` (plus the margin), by record timestamp. */
function dlqBounds(selection: DeadLetterSelection): { from: Bound; to: Bound; fromText: string; toText: string } {
  const { since, until } = selection;
  return {
    from: since === undefined ? { kind: "earliest" } : { kind: "time", ms: since },
    to: until === undefined ? { kind: "now" } : { kind: "time", ms: until + UNTIL_MARGIN_MS },
    fromText: since === undefined ? "earliest" : new Date(since).toISOString(),
    toText: until === undefined ? "now" : new Date(until + UNTIL_MARGIN_MS).toISOString(),
  };
}

const selectionOptions = (command: Command) =>
  command
    .option("--code <list>", "only these dead-letter codes (comma-separated; docs/errors.md)")
    .option("--since <instant>", "dead-lettered at or after this ISO-8601 instant")
    .option("--until <instant>", "dead-lettered before this ISO-8601 instant");

function listCommand(): Command {
  return selectionOptions(new Command("list"))
    .description("count the dead letters by code, stage, destination and attempt, and show the first few")
    .addOption(new Option("--show <n>", "how many dead letters to show").default(5).argParser(Number))
    .option("--json", "one JSON object instead of text", false)
    .action(async (flags: SelectionFlags & { show: number; json: boolean }) => {
      const config = replayWorkerConfig();
      const selection = selectionOf(flags, Number.POSITIVE_INFINITY);
      const logger = createLogger(config.logLevel === "info" ? "warn" : config.logLevel, pino.destination(2));
      const kafka = kafkaClient(config, logger);
      const admin = kafka.admin();
      await admin.connect();
      const counts = new DeadLetterCounts();
      const shown: string[] = [];
      const examples: Array<Record<string, unknown>> = [];
      let read = 0;
      let unreadable = 0;
      try {
        const { from, to } = dlqBounds(selection);
        const ranges = await rangeNow(admin, [DEAD_LETTER_TOPIC], from, to);
        const reader = new DeadLetterReader(registryAdmin(config));
        if (ranges.ok) {
          await readRanges(kafka, admin, DEAD_LETTER_TOPIC, ranges.value, async (message, partition) => {
            read++;
            const deadLetter = await reader.read(message.value);
            if (deadLetter instanceof Error) {
              unreadable++;
              return;
            }
            if (selectDeadLetter(selection, deadLetter) !== "selected") return;
            counts.add(deadLetter);
            if (shown.length / 4 < flags.show) {
              shown.push(...describeDeadLetter(message.offset, partition, deadLetter));
              examples.push(exampleOf(message.offset, partition, deadLetter));
            }
          });
        }
      } finally {
        await admin.disconnect();
      }
      if (flags.json) {
        const { total, byCode, byStage, byDestination, byAttempt } = counts;
        const summary = { read, unreadable, selected: total, byCode, byStage, byDestination, byAttempt, examples };
        process.stdout.write(`${JSON.stringify(summary)}\n`);
        return;
      }
      const lines = describeCounts(counts, read);
      if (unreadable > 0) lines.push(`${unreadable} record(s) of cdp.dlq could not be read as dead letters`);
      if (shown.length > 0) lines.push("", `first ${shown.length / 4}:`, ...shown);
      process.stdout.write(`${lines.join("\n")}\n`);
    });
}

function exampleOf(offset: string, partition: number, deadLetter: DeadLetterValue): Record<string, unknown> {
  const base64 = (bytes: Buffer | null) => (bytes === null ? null : bytes.toString("base64"));
  return {
    dlq: { partition, offset },
    source: {
      topic: deadLetter.source_topic,
      partition: deadLetter.source_partition,
      offset: deadLetter.source_offset,
    },
    code: deadLetter.code,
    message: deadLetter.message,
    stage: deadLetter.stage,
    destination: deadLetter.destination,
    failedAt: new Date(deadLetter.failed_at).toISOString(),
    attempt: deadLetter.attempt,
    previousCode: deadLetter.previous_code,
    keyBase64: base64(deadLetter.original_key),
    valueBase64: base64(deadLetter.original_value),
  };
}

interface RedriveFlags extends SelectionFlags {
  destinations?: string;
  outputPrefix: string;
  id?: string;
  rate?: number;
  dryRun: boolean;
  maxAttempts: number;
  metricsPort: number;
  progressEvery: number;
}

function replayCommand(): Command {
  return withReportingOptions(selectionOptions(new Command("replay")))
    .description(
      "send the selected dead letters' raw records through the current pipeline and configuration again; those that fail again go back to cdp.dlq with their attempt count",
    )
    .option("--destinations <list>", DESTINATIONS_HELP)
    .option("--output-prefix <prefix>", OUTPUT_PREFIX_HELP, "")
    .option("--id <name>", "the re-drive's name (default: derived from the arguments); run again with it to resume")
    .option("--rate <events-per-second>", "at most this many records per second", positiveNumber)
    .option("--dry-run", "report what the re-drive would produce, without producing or committing", false)
    .addOption(
      new Option("--max-attempts <n>", "leave alone dead letters that have failed this many times")
        .default(3)
        .argParser((text) => {
          const n = positiveNumber(text);
          if (!Number.isInteger(n)) fail("--max-attempts must be a whole number");
          return n;
        }),
    )
    .addHelpText(
      "after",
      `\nThe range of cdp.dlq is fixed when the re-drive first starts: dead letters it writes itself are never re-driven by it.\n${EXIT_CODES_HELP}`,
    )
    .action(async (flags: RedriveFlags) => {
      const config = replayWorkerConfig();
      const selection = selectionOf(flags, flags.maxAttempts);
      const { from, to, fromText, toText } = dlqBounds(selection);
      const request: ReplayRequest = {
        topics: [DEAD_LETTER_TOPIC],
        from: fromText,
        to: toText,
        destinations: destinationsOption(flags.destinations),
        outputPrefix: outputPrefixOption(flags.outputPrefix),
        filter: describeSelection(selection),
      };
      const id = checkReplayId(flags.id ?? defaultReplayId(request).replace(/^replay-/, "dlq-"));
      if (!id.ok) fail(id.error);
      const outcome = await runReplay(config, {
        id: id.value,
        request,
        from,
        to,
        ...(flags.rate === undefined ? {} : { rate: flags.rate }),
        dryRun: flags.dryRun,
        metricsPort: flags.metricsPort,
        progressEverySeconds: flags.progressEvery,
        deadLetters: selection,
      });
      process.stdout.write(`${JSON.stringify(outcome.summary)}\n`);
      process.exit(outcome.exitCode);
    });
}

export function dlqCommand(): Command {
  return new Command("dlq")
    .description("inspect the dead-letter topic (cdp.dlq) and re-drive dead letters after a fix")
    .addCommand(listCommand())
    .addCommand(replayCommand());
}

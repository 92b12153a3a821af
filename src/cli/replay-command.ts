import { Command, InvalidArgumentError, Option } from "commander";
import { DESTINATION_IDS } from "../destinations/index.js";
import { ReplayInputError } from "../kafka/replay-store.js";
import { loadWorkerConfig } from "../ops/worker-config.js";
import { checkReplayId, defaultReplayId, type ReplayRequest } from "../replay/plan.js";
import { parseBound } from "../replay/range.js";
import { resolveEndpoints } from "../stack/endpoints.js";
import { runReplay } from "./replay-runner.js";

/** Exit code of a mistake in the arguments or the range (unknown topic, empty range, `--to` before `--from`). */
export const EXIT_BAD_INPUT = 2;

const list = (text: string) =>
  text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");

function positiveNumber(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new InvalidArgumentError("expected a positive number");
  return value;
}

function port(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new InvalidArgumentError("expected a port");
  return value;
}

interface ReplayFlags {
  from: string;
  to: string;
  topics?: string;
  id?: string;
  destinations?: string;
  outputPrefix: string;
  rate?: number;
  dryRun: boolean;
  metricsPort: number;
  progressEvery: number;
}

function fail(message: string): never {
  throw new ReplayInputError(message);
}

export function replayCommand(): Command {
  return new Command("replay")
    .description(
      "replay a range of the raw topics through the current pipeline, beside the live worker (own consumer group), and exit when done",
    )
    .requiredOption(
      "--from <bound>",
      "start: earliest, now, an ISO-8601 instant (2026-11-01T09:00:00Z), or topic:partition:offset[,...]",
    )
    .option("--to <bound>", "end (exclusive), fixed when the replay first starts: same forms as --from", "now")
    .option("--topics <list>", "comma-separated topics to replay (default: the worker's input topics)")
    .option(
      "--id <name>",
      "the replay's name: its consumer group and stored plan; run again with it to resume (default: derived from the arguments)",
    )
    .option(
      "--destinations <list>",
      `comma-separated destinations to send to (default: every enabled one; known: ${DESTINATION_IDS.join(", ")})`,
    )
    .option(
      "--output-prefix <prefix>",
      "write to shadow topics <prefix><topic> (created, same schemas) instead of the live ones",
      "",
    )
    .option("--rate <events-per-second>", "at most this many raw events per second", positiveNumber)
    .option("--dry-run", "read the range and report what it would produce, without producing or committing", false)
    .addOption(
      new Option("--metrics-port <port>", "serve /metrics (labelled replay=<id>) on this port; 0: off")
        .default(0)
        .argParser(port),
    )
    .addOption(
      new Option("--progress-every <seconds>", "seconds between JSON progress lines when stderr is not a terminal")
        .default(5)
        .argParser(positiveNumber),
    )
    .addHelpText(
      "after",
      "\nConfigured like `cdp-router run` (CDP_* environment variables) for Kafka, the registry, the delivery mode and the pipeline.\nExit codes: 0 done (summary JSON on stdout), 1 failed, 2 bad arguments or range, 130 interrupted (run again to resume).",
    )
    .action(async (flags: ReplayFlags) => {
      // Like `send`: KAFKA_BROKERS / SCHEMA_REGISTRY_URL, else the local stack's.
      const local = resolveEndpoints(process.env, 1);
      const config = loadWorkerConfig(process.env, { brokers: local.brokers, registryUrl: local.registryUrl });
      const from = parseBound("--from", flags.from);
      if (!from.ok) fail(from.error);
      const to = parseBound("--to", flags.to);
      if (!to.ok) fail(to.error);
      if (from.value.kind === "now") fail("--from now leaves nothing to replay; give an earlier start");
      if (to.value.kind === "earliest") fail("--to earliest leaves nothing to replay; give a later end");
      const topics = flags.topics === undefined ? [...config.inputTopics] : list(flags.topics);
      if (topics.length === 0) fail("--topics names no topic");
      const destinations = flags.destinations === undefined ? [] : [...new Set(list(flags.destinations))].sort();
      const unknown = destinations.filter((id) => !(DESTINATION_IDS as readonly string[]).includes(id));
      if (unknown.length > 0)
        fail(`unknown destination(s): ${unknown.join(", ")} (known: ${DESTINATION_IDS.join(", ")})`);
      if (flags.destinations !== undefined && destinations.length === 0) fail("--destinations names no destination");
      if (flags.outputPrefix !== "" && !/^[A-Za-z0-9._-]+$/.test(flags.outputPrefix))
        fail("--output-prefix may hold only letters, digits, '.', '_' and '-'");
      const request: ReplayRequest = {
        topics,
        from: flags.from,
        to: flags.to,
        destinations,
        outputPrefix: flags.outputPrefix,
      };
      const id = checkReplayId(flags.id ?? defaultReplayId(request));
      if (!id.ok) fail(id.error);
      const outcome = await runReplay(config, {
        id: id.value,
        request,
        from: from.value,
        to: to.value,
        ...(flags.rate === undefined ? {} : { rate: flags.rate }),
        dryRun: flags.dryRun,
        metricsPort: flags.metricsPort,
        progressEverySeconds: flags.progressEvery,
      });
      process.stdout.write(`${JSON.stringify(outcome.summary)}\n`);
      process.exit(outcome.exitCode);
    });
}

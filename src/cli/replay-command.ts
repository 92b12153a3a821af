import { Command } from "commander";
import { checkReplayId, defaultReplayId, type ReplayRequest } from "../replay/plan.js";
import { parseBound } from "../replay/range.js";
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

export function replayCommand(): Command {
  return withReportingOptions(new Command("replay"))
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
    .option("--destinations <list>", DESTINATIONS_HELP)
    .option("--output-prefix <prefix>", OUTPUT_PREFIX_HELP, "")
    .option("--rate <events-per-second>", "at most this many raw events per second", positiveNumber)
    .option("--dry-run", "read the range and report what it would produce, without producing or committing", false)
    .addHelpText(
      "after",
      `\nConfigured like \`cdp-router run\` (CDP_* environment variables) for Kafka, the registry, the delivery mode and the pipeline.\n${EXIT_CODES_HELP}`,
    )
    .action(async (flags: ReplayFlags) => {
      const config = replayWorkerConfig();
      const from = parseBound("--from", flags.from);
      if (!from.ok) fail(from.error);
      const to = parseBound("--to", flags.to);
      if (!to.ok) fail(to.error);
      if (from.value.kind === "now") fail("--from now leaves nothing to replay; give an earlier start");
      if (to.value.kind === "earliest") fail("--to earliest leaves nothing to replay; give a later end");
      const topics = flags.topics === undefined ? [...config.inputTopics] : list(flags.topics);
      if (topics.length === 0) fail("--topics names no topic");
      const destinations = destinationsOption(flags.destinations);
      const outputPrefix = outputPrefixOption(flags.outputPrefix);
      const request: ReplayRequest = {
        topics,
        from: flags.from,
        to: flags.to,
        destinations,
        outputPrefix,
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

import { readFileSync } from "node:fs";
import { Command } from "commander";
import { silenceKafkajsTimeoutWarning } from "../kafka/warnings.js";
import { classifyOperational } from "../ops/operational-errors.js";
import { EXIT_BAD_INPUT, UsageError } from "../ops/usage-error.js";
import { dlqCommand } from "./dlq-command.js";
import { replayCommand } from "./replay-command.js";
import { runCommand } from "./run-command.js";
import { schemasCommand } from "./schemas-command.js";
import { sendCommand } from "./send-command.js";
import { stackCommand } from "./stack-command.js";
import { startCommand } from "./start-command.js";
import { topicsCommand } from "./topics-command.js";
import { transformCommand } from "./transform-command.js";

silenceKafkajsTimeoutWarning();

const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

const program = new Command("cdp-router")
  .description("Routes customer-data group and track events from Kafka to per-destination Avro topics.")
  .version(version)
  .showHelpAfterError()
  .addCommand(startCommand())
  .addCommand(runCommand())
  .addCommand(replayCommand())
  .addCommand(dlqCommand())
  .addCommand(sendCommand())
  .addCommand(topicsCommand())
  .addCommand(stackCommand())
  .addCommand(transformCommand())
  .addCommand(schemasCommand());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`cdp-router: ${error.message}\n`);
    process.exit(EXIT_BAD_INPUT);
  }
  const classified = classifyOperational(error);
  const fatal = classified && !classified.retriable ? classified : undefined;
  // The operational error's code and meaning first, then what failed underneath.
  const cause = fatal?.cause ?? error;
  const detail = cause instanceof Error ? cause.message : String(cause);
  process.stderr.write(`cdp-router: ${fatal ? `${fatal.code}: ${fatal.message}: ` : ""}${detail}\n`);
  // Exit now: a worker that failed to start may still hold connections and its HTTP server open.
  process.exit(fatal?.exitCode ?? 1);
}

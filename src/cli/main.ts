import { readFileSync } from "node:fs";
import { Command } from "commander";
import { silenceKafkajsTimeoutWarning } from "../kafka/warnings.js";
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
  .addCommand(sendCommand())
  .addCommand(topicsCommand())
  .addCommand(stackCommand())
  .addCommand(transformCommand())
  .addCommand(schemasCommand());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`cdp-router: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}

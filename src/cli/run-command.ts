import { Command } from "commander";
import { settingsHelp } from "../ops/settings.js";
import { loadWorkerConfig } from "../ops/worker-config.js";
import { runWorker } from "./worker-runner.js";

export function runCommand(): Command {
  return new Command("run")
    .description(
      "run the worker: consume the raw topics, transform, produce Avro to the destination topics and cdp.dlq",
    )
    .addHelpText(
      "after",
      `\nConfigured by environment variables (or CDP_CONFIG_FILE, a JSON file of the same names; README has what each does):\n${settingsHelp()}`,
    )
    .action(async () => {
      await runWorker(loadWorkerConfig(process.env));
    });
}

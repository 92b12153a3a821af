import { Command } from "commander";
import { loadWorkerConfig } from "../ops/worker-config.js";
import { stackUp } from "../stack/stack.js";
import { runWorker } from "./worker-runner.js";

const say = (line: string) => process.stdout.write(`${line}\n`);

/** `npm start`: the local stack (unless KAFKA_BROKERS / SCHEMA_REGISTRY_URL name others), then the worker. */
export function startCommand(): Command {
  return new Command("start")
    .description(
      "start the local stack (unless KAFKA_BROKERS / SCHEMA_REGISTRY_URL are set), create topics, register schemas, run the worker",
    )
    .action(async () => {
      const endpoints = await stackUp({ say });
      const config = loadWorkerConfig(process.env, { brokers: endpoints.brokers, registryUrl: endpoints.registryUrl });
      say("");
      say(
        `cdp-router: Kafka ${endpoints.brokers.join(",")}${endpoints.externalKafka ? " (external)" : " (local)"}, registry ${endpoints.registryUrl}`,
      );
      say("  Send the spec's example events from another terminal:  npm run demo");
      say(
        "  or your own:  npx cdp-router send events.ndjson   (see what they become:  npx cdp-router transform events.ndjson)",
      );
      say(
        `  Metrics and health: http://127.0.0.1:${config.httpPort}/metrics  /healthz  /readyz.  Stop with Ctrl-C; the stack with npm run stack:down.`,
      );
      say("");
      await runWorker(config);
    });
}

import { Command } from "commander";
import { stackUp } from "../stack/stack.js";

const say = (line: string) => process.stdout.write(`${line}\n`);

/** `npm start`: the main job. Until the worker exists it brings up the stack and says what runs. */
export function startCommand(): Command {
  return new Command("start")
    .description("start the local stack (unless KAFKA_BROKERS / SCHEMA_REGISTRY_URL are set) and the worker")
    .action(async () => {
      const endpoints = await stackUp({ say });
      say("");
      say("cdp-router: the stack is running.");
      say(
        `  Kafka:           ${endpoints.brokers.join(",")}${endpoints.externalKafka ? " (external)" : " (local, KRaft)"}`,
      );
      say(
        `  Schema registry: ${endpoints.registryUrl}${endpoints.externalRegistry ? " (external)" : " (local, Apicurio)"}`,
      );
      say("  The consume-transform-produce worker is not built yet (issue 5); `cdp-router --help` lists what is.");
      say("  Stop the local stack with `npm run stack:down`.");
    });
}

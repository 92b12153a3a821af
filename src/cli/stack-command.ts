import { Command, InvalidArgumentError, Option } from "commander";
import { type BrokerCount, stackDown, stackStatus, stackUp } from "../stack/stack.js";

const say = (line: string) => process.stdout.write(`${line}\n`);

function parseBrokerCount(value: string): BrokerCount {
  if (value === "1" || value === "3") return Number(value) as BrokerCount;
  throw new InvalidArgumentError("the local stack runs 1 or 3 brokers");
}

export function stackCommand(): Command {
  const stack = new Command("stack").description(
    "run a local Kafka (KRaft) and Apicurio schema registry from Maven Central, no Docker needed",
  );
  stack
    .command("up")
    .description(
      "start the local broker(s) and registry unless already running; KAFKA_BROKERS / SCHEMA_REGISTRY_URL skip them",
    )
    .addOption(
      new Option("--brokers <count>", "1, or 3 for replication-factor-3 failure tests")
        .argParser(parseBrokerCount)
        .default(1),
    )
    .action(async (options: { brokers: BrokerCount }) => {
      const endpoints = await stackUp({ brokerCount: options.brokers, say });
      say(`ready: KAFKA_BROKERS=${endpoints.brokers.join(",")} SCHEMA_REGISTRY_URL=${endpoints.registryUrl}`);
    });
  stack
    .command("down")
    .description("stop every process the local stack started (found even after a crash)")
    .option("--purge", "also delete the brokers' data: topics, offsets, registered schemas", false)
    .action(async (options: { purge: boolean }) => {
      await stackDown({ purge: options.purge, say });
    });
  stack
    .command("status")
    .description("say what runs, where, and whether it answers; exit 1 when something does not")
    .option("--json", "print JSON", false)
    .action(async (options: { json: boolean }) => {
      const components = await stackStatus();
      if (options.json) {
        say(JSON.stringify(components, null, 2));
      } else {
        for (const c of components) {
          const process =
            c.mode === "external" ? "external" : c.pids.length > 0 ? `pid ${c.pids.join(",")}` : "not running";
          say(
            `${c.name.padEnd(9)} ${(c.answering ? "answering" : "DOWN").padEnd(10)} ${c.address}  (${process}; ${c.detail})`,
          );
        }
      }
      if (!components.every((c) => c.answering)) process.exitCode = 1;
    });
  return stack;
}

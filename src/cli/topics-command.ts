import { Command, InvalidArgumentError } from "commander";
import { checkKafkaTls, kafkaClient } from "../kafka/client.js";
import { ensureTopics, raisePartitions } from "../kafka/topic-admin.js";
import { ALL_TOPICS } from "../kafka/topics.js";
import { createLogger } from "../ops/logger.js";
import { UsageError } from "../ops/usage-error.js";
import { loadWorkerConfig } from "../ops/worker-config.js";
import { resolveEndpoints } from "../stack/endpoints.js";

function partitionCount(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 10_000)
    throw new InvalidArgumentError("expected a whole number of partitions, 1 to 10000");
  return value;
}

const say = (line: string) => process.stdout.write(`${line}\n`);

export function topicsCommand(): Command {
  return new Command("topics")
    .description(
      "create the raw, destination and dead-letter topics that do not exist yet (CDP_TOPIC_PARTITIONS, CDP_TOPIC_REPLICATION); with --partitions, raise them all to that many partitions",
    )
    .option(
      "--partitions <n>",
      "raise every raw, destination and dead-letter topic to this many partitions (never shrinks; README, 'Scaling out')",
      partitionCount,
    )
    .option("--topics <list>", "with --partitions: only these topics (comma-separated), e.g. the raw ones")
    .action(async (options: { partitions?: number; topics?: string }) => {
      const local = resolveEndpoints(process.env, 1);
      const config = loadWorkerConfig(process.env, { brokers: local.brokers, registryUrl: local.registryUrl });
      const admin = kafkaClient(config, createLogger("warn")).admin();
      const named = options.topics
        ?.split(",")
        .map((topic) => topic.trim())
        .filter((topic) => topic !== "");
      if (named !== undefined && options.partitions === undefined)
        throw new UsageError("--topics goes with --partitions");
      if (named !== undefined && named.length === 0) throw new UsageError("--topics names no topic");
      const topics = named ?? [...new Set([...config.inputTopics, ...ALL_TOPICS])];
      await checkKafkaTls(config);
      await admin.connect();
      try {
        const target = options.partitions;
        let existing: readonly string[];
        if (named) {
          // Named topics are never created: a typo must not make a topic.
          const present = new Set(await admin.listTopics());
          const unknown = named.filter((topic) => !present.has(topic));
          if (unknown.length > 0) throw new UsageError(`unknown topic(s): ${unknown.join(", ")}`);
          existing = named;
        } else {
          const created = await ensureTopics(admin, topics, target ?? config.topicPartitions, config.topicReplication);
          for (const topic of created.created) say(`created ${topic}`);
          if (target === undefined) {
            for (const topic of created.existing) say(`exists  ${topic}`);
            return;
          }
          existing = created.existing;
        }
        if (target === undefined) return;
        const plan = await raisePartitions(admin, existing, target);
        if (plan.wouldShrink.length > 0) {
          const refused = plan.wouldShrink.map(({ topic, from }) => `${topic} has ${from}`).join(", ");
          throw new UsageError(
            `refusing --partitions ${target}: ${refused}; Kafka cannot take partitions away (nothing was changed)`,
          );
        }
        for (const { topic, from } of plan.raise) say(`raised  ${topic} from ${from} to ${target} partitions`);
        for (const topic of plan.unchanged) say(`has     ${topic} (${target} partitions already)`);
        if (plan.raise.length > 0) {
          say(
            "Running workers pick up the new partitions at their next metadata refresh (within 30 s) and rebalance. Records of one key written from now on may land in another partition than before: see the README's 'Scaling out'.",
          );
        }
      } finally {
        await admin.disconnect();
      }
    });
}

import { Command } from "commander";
import { checkKafkaTls, kafkaClient } from "../kafka/client.js";
import { ensureTopics } from "../kafka/topic-admin.js";
import { ALL_TOPICS } from "../kafka/topics.js";
import { createLogger } from "../ops/logger.js";
import { loadWorkerConfig } from "../ops/worker-config.js";
import { resolveEndpoints } from "../stack/endpoints.js";

export function topicsCommand(): Command {
  return new Command("topics")
    .description(
      "create the raw, destination and dead-letter topics that do not exist yet (CDP_TOPIC_PARTITIONS, CDP_TOPIC_REPLICATION)",
    )
    .action(async () => {
      const local = resolveEndpoints(process.env, 1);
      const config = loadWorkerConfig(process.env, { brokers: local.brokers, registryUrl: local.registryUrl });
      const admin = kafkaClient(config, createLogger("warn")).admin();
      await checkKafkaTls(config);
      await admin.connect();
      try {
        const plan = await ensureTopics(
          admin,
          [...new Set([...config.inputTopics, ...ALL_TOPICS])],
          config.topicPartitions,
          config.topicReplication,
        );
        for (const topic of plan.created) process.stdout.write(`created ${topic}\n`);
        for (const topic of plan.existing) process.stdout.write(`exists  ${topic}\n`);
      } finally {
        await admin.disconnect();
      }
    });
}

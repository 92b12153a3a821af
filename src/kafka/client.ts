import { Kafka, type KafkaConfig, logLevel, type ProducerConfig, type SASLOptions } from "kafkajs";
import type { Logger } from "../ops/logger.js";
import type { WorkerConfig } from "../ops/worker-config.js";
import { JavaCompatiblePartitioner } from "./partitioner.js";
import { checkBrokerCertificate } from "./tls-preflight.js";

const LEVELS: Record<number, "error" | "warn" | "info" | "debug"> = {
  [logLevel.ERROR]: "error",
  [logLevel.WARN]: "warn",
  [logLevel.INFO]: "info",
  [logLevel.DEBUG]: "debug",
};

/**
 * Producers: a Java-compatible partitioner (the same partitions as kafkajs's DefaultPartitioner,
 * without its per-message allocations; set explicitly, which also silences kafkajs's migration
 * warning), and a few quick retries inside kafkajs. Longer outages are handled by pausing the
 * partition and fetching its records again later (PartitionBackoff): a send blocked inside
 * kafkajs for longer than the session timeout would get the member evicted from its group.
 */
export const PRODUCER_DEFAULTS: ProducerConfig = {
  createPartitioner: JavaCompatiblePartitioner,
  allowAutoTopicCreation: false,
  retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 5_000 },
};

/** A kafkajs client from the worker's configuration, logging through pino. */
export function kafkaClient(config: WorkerConfig, logger: Logger): Kafka {
  const { kafka } = config;
  const options: KafkaConfig = {
    clientId: kafka.clientId,
    brokers: [...kafka.brokers],
    logLevel: logLevel.WARN,
    // kafkajs retries with exponential backoff; a broker that takes 10 s to fail over must not crash us.
    retry: { initialRetryTime: 300, retries: 10, maxRetryTime: 30_000 },
    logCreator:
      () =>
      ({ level, namespace, log }) => {
        const { message, ...extra } = log;
        // Retries of an idempotent producer are bounded on purpose (see PRODUCER_DEFAULTS); the
        // worker retries on top with heartbeats, resending whole chunks at least once.
        if (message === "Limiting retries for the idempotent producer may invalidate EoS guarantees") return;
        logger[LEVELS[level] ?? "info"]({ kafkajs: namespace, ...extra }, message);
      },
  };
  if (kafka.sasl) options.sasl = { ...kafka.sasl } as SASLOptions;
  if (kafka.tls) options.ssl = { ...kafka.tls };
  return new Kafka(options);
}

/** With TLS on: fails at once when the first broker's certificate is not trusted (see tls-preflight). */
export async function checkKafkaTls(config: WorkerConfig): Promise<void> {
  const { tls, brokers } = config.kafka;
  const first = brokers[0];
  if (tls && first) await checkBrokerCertificate(first, { ...tls });
}

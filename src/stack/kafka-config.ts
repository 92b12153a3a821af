import { brokerPort, controllerPort } from "./layout.js";
import { type StackCertificates, secureListenerSettings, securePort } from "./security.js";

export interface BrokerSettings {
  readonly nodeId: number;
  readonly brokerCount: 1 | 3;
  readonly logDir: string;
  /** With certificates: a SASL_SSL listener beside the plaintext one. */
  readonly certificates?: StackCertificates | undefined;
}

/**
 * server.properties for one combined broker+controller KRaft node. The quorum is static
 * (`controller.quorum.voters`) so that one format command works on both 3.9 and 4.x.
 */
export function serverProperties({ nodeId, brokerCount, logDir, certificates }: BrokerSettings): string {
  const secure = certificates ? `,SASL_SSL://127.0.0.1:${securePort(nodeId)}` : "";
  const voters = Array.from({ length: brokerCount }, (_, i) => `${i + 1}@127.0.0.1:${controllerPort(i + 1)}`).join(",");
  const replication = brokerCount === 3 ? 3 : 1;
  const minIsr = brokerCount === 3 ? 2 : 1;
  const settings: Record<string, string | number | boolean> = {
    "process.roles": "broker,controller",
    "node.id": nodeId,
    "controller.quorum.voters": voters,
    listeners: `PLAINTEXT://127.0.0.1:${brokerPort(nodeId)},CONTROLLER://127.0.0.1:${controllerPort(nodeId)}${secure}`,
    "advertised.listeners": `PLAINTEXT://127.0.0.1:${brokerPort(nodeId)}${secure}`,
    "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL",
    "controller.listener.names": "CONTROLLER",
    "inter.broker.listener.name": "PLAINTEXT",
    "log.dirs": logDir,
    "num.partitions": 3,
    "default.replication.factor": replication,
    "min.insync.replicas": minIsr,
    "offsets.topic.replication.factor": replication,
    "offsets.topic.num.partitions": 10,
    "transaction.state.log.replication.factor": replication,
    "transaction.state.log.min.isr": minIsr,
    "transaction.state.log.num.partitions": 10,
    // Topics are created by cdp-router on purpose; an auto-created topic hides a typo.
    "auto.create.topics.enable": false,
    "group.initial.rebalance.delay.ms": 0,
    // Small segments and short retention: this is a development and test broker.
    "log.segment.bytes": 64 * 1024 * 1024,
    "log.retention.hours": 72,
    // And by size: benchmark runs write gigabytes to the shared destination topics, and three
    // days of them filled this machine's disk (68 GB) until the broker stopped. 512 MiB per
    // partition keeps far more than any test or fault campaign reads back.
    "log.retention.bytes": 512 * 1024 * 1024,
    "log.retention.check.interval.ms": 60_000,
    ...(certificates ? secureListenerSettings(certificates) : {}),
  };
  return `${Object.entries(settings)
    .map(([key, value]) => `${key}=${value}`)
    .join("\n")}\n`;
}

/** Kafka 3.9 logs through reload4j (log4j 1 syntax), 4.x through log4j2: write both. */
export function log4jProperties(): string {
  return [
    "log4j.rootLogger=INFO, stdout",
    "log4j.appender.stdout=org.apache.log4j.ConsoleAppender",
    "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout",
    "log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n",
    "log4j.logger.kafka.request.logger=WARN",
    "log4j.logger.org.apache.kafka.clients=WARN",
    "",
  ].join("\n");
}

export function log4j2Properties(): string {
  return [
    "status=warn",
    "appender.stdout.type=Console",
    "appender.stdout.name=STDOUT",
    "appender.stdout.layout.type=PatternLayout",
    "appender.stdout.layout.pattern=[%d] %p %m (%c)%n",
    "rootLogger.level=INFO",
    "rootLogger.appenderRef.stdout.ref=STDOUT",
    "logger.clients.name=org.apache.kafka.clients",
    "logger.clients.level=WARN",
    "",
  ].join("\n");
}

/** Extra runtime jars per broker line: kafka_2.13's pom brings slf4j-api but no binding. */
export function loggingDependencies(kafkaVersion: string): Array<{ group: string; artifact: string; version: string }> {
  if (kafkaVersion.startsWith("3.")) {
    return [{ group: "org.slf4j", artifact: "slf4j-reload4j", version: "1.7.36" }];
  }
  return [{ group: "org.apache.logging.log4j", artifact: "log4j-slf4j-impl", version: "2.25.5" }];
}

/**
 * A KRaft cluster id: 16 random bytes in URL-safe base64 without padding, as Kafka's Uuid prints
 * them. Like Kafka's own Uuid.randomUuid, never one that starts with "-": command-line parsers
 * (kafka-storage's among them) take it for an option.
 */
export function newClusterId(random: (size: number) => Buffer): string {
  for (;;) {
    const id = random(16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}

import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { log4j2Properties, log4jProperties, newClusterId, serverProperties } from "./kafka-config.js";
import { brokerPort } from "./layout.js";
import { componentMarker, findByMarker, startDetached } from "./processes.js";
import { type StackCertificates, scramFormatArgument } from "./security.js";

/** Written once the storage was formatted with the local SCRAM user. */
const SCRAM_MARKER = "scram-user";

const run = promisify(execFile);

export interface KafkaNode {
  readonly nodeId: number;
  readonly dir: string;
  readonly port: number;
  readonly marker: string;
  readonly logFile: string;
  readonly pidFile: string;
}

/** One data folder per broker line and cluster size: switching either never reuses old metadata. */
export function clusterDir(runtime: string, kafkaVersion: string, brokerCount: number): string {
  return join(runtime, `kafka-${kafkaVersion}-${brokerCount}b`);
}

export function kafkaNodes(clusterRoot: string, brokerCount: number): KafkaNode[] {
  return Array.from({ length: brokerCount }, (_, i) => {
    const nodeId = i + 1;
    const dir = join(clusterRoot, `node-${nodeId}`);
    return {
      nodeId,
      dir,
      port: brokerPort(nodeId),
      marker: componentMarker(dir),
      logFile: join(dir, "broker.log"),
      pidFile: join(dir, "broker.pid"),
    };
  });
}

function clusterId(clusterRoot: string): string {
  const file = join(clusterRoot, "cluster-id");
  if (!existsSync(file)) writeFileSync(file, newClusterId(randomBytes));
  return readFileSync(file, "utf8").trim();
}

/** Writes the node's configuration and formats its storage once (KRaft needs a formatted log dir). */
export async function prepareNode(
  node: KafkaNode,
  clusterRoot: string,
  brokerCount: 1 | 3,
  java: string,
  libDir: string,
  certificates: StackCertificates,
): Promise<void> {
  const dataDir = join(node.dir, "data");
  mkdirSync(dataDir, { recursive: true });
  // A cluster formatted before the SASL_SSL listener existed has no SCRAM user: plaintext only.
  const formatted = existsSync(join(dataDir, "meta.properties"));
  const secured = !formatted || existsSync(join(node.dir, SCRAM_MARKER));
  writeFileSync(
    join(node.dir, "server.properties"),
    serverProperties({
      nodeId: node.nodeId,
      brokerCount,
      logDir: dataDir,
      certificates: secured ? certificates : undefined,
    }),
  );
  writeFileSync(join(node.dir, "log4j.properties"), log4jProperties());
  writeFileSync(join(node.dir, "log4j2.properties"), log4j2Properties());
  if (formatted) return;
  try {
    await run(
      java,
      [
        ...loggingFlags(node.dir),
        "-cp",
        join(libDir, "*"),
        "kafka.tools.StorageTool",
        "format",
        `--cluster-id=${clusterId(clusterRoot)}`,
        `--config=${join(node.dir, "server.properties")}`,
        scramFormatArgument(),
      ],
      { cwd: node.dir },
    );
    writeFileSync(join(node.dir, SCRAM_MARKER), "SCRAM-SHA-512 user created at format\n");
  } catch (error) {
    const detail = error instanceof Error && "stderr" in error ? String(error.stderr) : String(error);
    throw new Error(`formatting the storage of Kafka node ${node.nodeId} failed:\n${detail}`);
  }
}

function loggingFlags(dir: string): string[] {
  return [
    `-Dlog4j.configuration=file:${join(dir, "log4j.properties")}`,
    `-Dlog4j2.configurationFile=${join(dir, "log4j2.properties")}`,
    `-Dkafka.logs.dir=${join(dir, "logs")}`,
  ];
}

export function startNode(node: KafkaNode, java: string, libDir: string): number {
  return startDetached({
    command: java,
    args: [
      "-Xms256m",
      "-Xmx512m",
      "-XX:+UseG1GC",
      "-XX:MaxGCPauseMillis=20",
      "-Djava.awt.headless=true",
      ...loggingFlags(node.dir),
      node.marker,
      "-cp",
      join(libDir, "*"),
      "kafka.Kafka",
      join(node.dir, "server.properties"),
    ],
    cwd: node.dir,
    env: process.env,
    logFile: node.logFile,
    pidFile: node.pidFile,
  }).pid;
}

export function runningPids(node: KafkaNode): number[] {
  return findByMarker(node.marker);
}

import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { ConfigError, wholeNumberSetting } from "../core/settings.js";
import { RAW_TOPICS } from "../core/topics.js";
import { DESTINATIONS } from "../destinations/index.js";
import { isJsonObject } from "../events/json.js";
import { type PipelineConfig, parsePipelineConfig } from "../pipeline/config.js";

export type DeliveryMode = "at-least-once" | "exactly-once";
export type SaslMechanism = "plain" | "scram-sha-256" | "scram-sha-512";

/** Everything the worker needs, read once from the environment (and an optional file), then frozen. */
export interface WorkerConfig {
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly clientId: string;
    readonly sasl?: { readonly mechanism: SaslMechanism; readonly username: string; readonly password: string };
    readonly tls?: {
      readonly ca?: string;
      readonly cert?: string;
      readonly key?: string;
      readonly rejectUnauthorized: boolean;
    };
  };
  readonly registry: { readonly url: string; readonly username?: string; readonly password?: string };
  readonly groupId: string;
  readonly inputTopics: readonly string[];
  readonly delivery: DeliveryMode;
  readonly workerId: string;
  readonly httpPort: number;
  readonly shutdownGraceMs: number;
  /** How long the group waits for a silent member before moving its partitions to the others. */
  readonly sessionTimeoutMs: number;
  /** In-process restarts after survivable consumer crashes, per 10 minutes, before exiting 1. */
  readonly maxRestarts: number;
  /** Partitions and replication factor for topics the worker creates (-1: the broker's default). */
  readonly topicPartitions: number;
  readonly topicReplication: number;
  /** Raw records processed per produce round trip, and the fetch size per partition. */
  readonly chunkSize: number;
  /** Run the pipeline and Avro encoding on a thread of their own, beside kafkajs's work. */
  readonly transformThread: boolean;
  /** The largest destination record written; a larger one is dead-lettered (`record_too_large`). */
  readonly maxRecordBytes: number;
  /** Raw bytes per chunk: keeps each record batch the producer writes under the broker's max.message.bytes. */
  readonly chunkBytes: number;
  readonly maxBytesPerPartition: number;
  /** How many assigned partitions are processed at once (each still in order). */
  readonly partitionsConcurrently: number;
  /** at-least-once: how often resolved offsets are committed. */
  readonly commitIntervalMs: number;
  readonly logLevel: string;
  readonly pipeline: PipelineConfig;
}

/** The variables the worker reads: the same names work in CDP_CONFIG_FILE (JSON), where env wins. */
export const WORKER_VARIABLES = [
  "KAFKA_BROKERS",
  "KAFKA_CLIENT_ID",
  "KAFKA_SASL_MECHANISM",
  "KAFKA_SASL_USERNAME",
  "KAFKA_SASL_PASSWORD",
  "KAFKA_TLS",
  "KAFKA_TLS_CA_FILE",
  "KAFKA_TLS_CERT_FILE",
  "KAFKA_TLS_KEY_FILE",
  "KAFKA_TLS_REJECT_UNAUTHORIZED",
  "SCHEMA_REGISTRY_URL",
  "SCHEMA_REGISTRY_USERNAME",
  "SCHEMA_REGISTRY_PASSWORD",
  "CDP_GROUP_ID",
  "CDP_INPUT_TOPICS",
  "CDP_DELIVERY",
  "CDP_WORKER_ID",
  "CDP_HTTP_PORT",
  "CDP_SHUTDOWN_GRACE_MS",
  "CDP_SESSION_TIMEOUT_MS",
  "CDP_MAX_RESTARTS",
  "CDP_TOPIC_PARTITIONS",
  "CDP_TOPIC_REPLICATION",
  "CDP_CHUNK_SIZE",
  "CDP_CHUNK_BYTES",
  "CDP_MAX_RECORD_BYTES",
  "CDP_TRANSFORM_THREAD",
  "CDP_MAX_BYTES_PER_PARTITION",
  "CDP_COMMIT_INTERVAL_MS",
  "CDP_PARTITIONS_CONCURRENTLY",
  "CDP_LOG_LEVEL",
  "CDP_PIPELINE_CONFIG",
] as const;

type Variables = Partial<Record<(typeof WORKER_VARIABLES)[number], string>>;

function readVariables(env: NodeJS.ProcessEnv, problems: string[]): { vars: Variables; pipeline: unknown } {
  const vars: Variables = {};
  let pipeline: unknown = {};
  const file = env.CDP_CONFIG_FILE;
  if (file) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
      if (!isJsonObject(parsed)) throw new Error("it is not a JSON object");
      for (const [key, value] of Object.entries(parsed)) {
        if (key === "pipeline") pipeline = value;
        else if ((WORKER_VARIABLES as readonly string[]).includes(key)) vars[key as keyof Variables] = String(value);
        else problems.push(`CDP_CONFIG_FILE: ${key} is not a setting`);
      }
    } catch (error) {
      problems.push(`CDP_CONFIG_FILE ${file}: ${(error as Error).message}`);
    }
  }
  for (const name of WORKER_VARIABLES) {
    const value = env[name];
    if (value !== undefined && value !== "") vars[name] = value;
  }
  if (vars.CDP_PIPELINE_CONFIG) {
    try {
      pipeline = JSON.parse(readFileSync(vars.CDP_PIPELINE_CONFIG, "utf8"));
    } catch (error) {
      problems.push(`CDP_PIPELINE_CONFIG ${vars.CDP_PIPELINE_CONFIG}: ${(error as Error).message}`);
    }
  }
  return { vars, pipeline };
}

/** A true/false variable: the problem quotes the variable as it was set. */
function flag(name: string, value: string | undefined, fallback: boolean, problems: string[]): boolean {
  if (value === undefined) return fallback;
  if (value === "true" || value === "false") return value === "true";
  problems.push(`${name}=${value}: must be true or false`);
  return fallback;
}

/** A whole-number variable from `min` to `max`: the problem quotes the variable as it was set. */
function integer(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  return wholeNumberSetting(
    `${name}=${value}:`,
    value === undefined ? undefined : Number(value),
    fallback,
    min,
    max,
    problems,
  );
}

function list(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

function readFile(name: string, path: string | undefined, problems: string[]): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    problems.push(`${name}=${path}: ${(error as Error).message}`);
    return undefined;
  }
}

/**
 * Reads and checks the worker's configuration, reporting every problem at once, each naming
 * its variable. `defaults` supplies what `npm start` knows (the local stack's addresses).
 */
export function loadWorkerConfig(
  env: NodeJS.ProcessEnv,
  defaults: { brokers?: string[]; registryUrl?: string } = {},
): WorkerConfig {
  const problems: string[] = [];
  const { vars, pipeline: pipelineInput } = readVariables(env, problems);

  const brokers = vars.KAFKA_BROKERS ? list(vars.KAFKA_BROKERS) : (defaults.brokers ?? []);
  if (brokers.length === 0) problems.push("KAFKA_BROKERS is required (host:port,host:port)");
  for (const broker of brokers)
    if (!/^[^\s:/]+:\d{1,5}$/.test(broker)) problems.push(`KAFKA_BROKERS: "${broker}" is not host:port`);

  let sasl: WorkerConfig["kafka"]["sasl"];
  if (vars.KAFKA_SASL_MECHANISM) {
    const mechanism = vars.KAFKA_SASL_MECHANISM.toLowerCase();
    if (mechanism !== "plain" && mechanism !== "scram-sha-256" && mechanism !== "scram-sha-512") {
      problems.push(`KAFKA_SASL_MECHANISM=${vars.KAFKA_SASL_MECHANISM}: must be plain, scram-sha-256 or scram-sha-512`);
    } else if (!vars.KAFKA_SASL_USERNAME || vars.KAFKA_SASL_PASSWORD === undefined) {
      problems.push("KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD");
    } else {
      sasl = { mechanism, username: vars.KAFKA_SASL_USERNAME, password: vars.KAFKA_SASL_PASSWORD };
    }
  }

  let tls: WorkerConfig["kafka"]["tls"];
  const tlsOn = vars.KAFKA_TLS ?? (vars.KAFKA_TLS_CA_FILE || vars.KAFKA_TLS_CERT_FILE ? "true" : "false");
  if (tlsOn !== "true" && tlsOn !== "false") problems.push(`KAFKA_TLS=${tlsOn}: must be true or false`);
  if (tlsOn === "true") {
    const ca = readFile("KAFKA_TLS_CA_FILE", vars.KAFKA_TLS_CA_FILE, problems);
    const cert = readFile("KAFKA_TLS_CERT_FILE", vars.KAFKA_TLS_CERT_FILE, problems);
    const key = readFile("KAFKA_TLS_KEY_FILE", vars.KAFKA_TLS_KEY_FILE, problems);
    if (Boolean(cert) !== Boolean(key)) problems.push("KAFKA_TLS_CERT_FILE and KAFKA_TLS_KEY_FILE go together");
    tls = {
      ...(ca ? { ca } : {}),
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
      rejectUnauthorized: vars.KAFKA_TLS_REJECT_UNAUTHORIZED !== "false",
    };
  }

  const registryUrl = vars.SCHEMA_REGISTRY_URL ?? defaults.registryUrl;
  if (!registryUrl) problems.push("SCHEMA_REGISTRY_URL is required");
  else if (!/^https?:\/\/\S+$/.test(registryUrl))
    problems.push(`SCHEMA_REGISTRY_URL=${registryUrl}: must be an http(s) URL`);

  const delivery = vars.CDP_DELIVERY ?? "at-least-once";
  if (delivery !== "at-least-once" && delivery !== "exactly-once")
    problems.push(`CDP_DELIVERY=${delivery}: must be at-least-once or exactly-once`);

  const inputTopics = vars.CDP_INPUT_TOPICS ? list(vars.CDP_INPUT_TOPICS) : [...RAW_TOPICS];
  if (inputTopics.length === 0) problems.push("CDP_INPUT_TOPICS names no topic");
  for (const topic of inputTopics)
    if (!/^[a-zA-Z0-9._-]{1,249}$/.test(topic)) problems.push(`CDP_INPUT_TOPICS: "${topic}" is not a valid topic name`);

  let pipeline: PipelineConfig | undefined;
  try {
    pipeline = parsePipelineConfig(pipelineInput, DESTINATIONS);
  } catch (error) {
    if (error instanceof ConfigError) problems.push(...error.problems.map((problem) => `pipeline: ${problem}`));
    else throw error;
  }

  const config = {
    kafka: {
      brokers,
      clientId: vars.KAFKA_CLIENT_ID ?? "cdp-router",
      ...(sasl ? { sasl } : {}),
      ...(tls ? { tls } : {}),
    },
    registry: {
      url: registryUrl ?? "",
      ...(vars.SCHEMA_REGISTRY_USERNAME
        ? { username: vars.SCHEMA_REGISTRY_USERNAME, password: vars.SCHEMA_REGISTRY_PASSWORD ?? "" }
        : {}),
    },
    groupId: vars.CDP_GROUP_ID ?? "cdp-router",
    inputTopics,
    delivery: delivery as DeliveryMode,
    workerId: vars.CDP_WORKER_ID ?? `${hostname()}-${process.pid}`,
    httpPort: integer("CDP_HTTP_PORT", vars.CDP_HTTP_PORT, 9464, 0, 65535, problems),
    shutdownGraceMs: integer("CDP_SHUTDOWN_GRACE_MS", vars.CDP_SHUTDOWN_GRACE_MS, 25_000, 0, 600_000, problems),
    // The broker's group.min.session.timeout.ms (6 s) and group.max.session.timeout.ms (30 min) bound it.
    sessionTimeoutMs: integer(
      "CDP_SESSION_TIMEOUT_MS",
      vars.CDP_SESSION_TIMEOUT_MS,
      30_000,
      6_000,
      1_800_000,
      problems,
    ),
    maxRestarts: integer("CDP_MAX_RESTARTS", vars.CDP_MAX_RESTARTS, 10, 0, 1_000, problems),
    topicPartitions: integer("CDP_TOPIC_PARTITIONS", vars.CDP_TOPIC_PARTITIONS, 3, 1, 10_000, problems),
    topicReplication: integer("CDP_TOPIC_REPLICATION", vars.CDP_TOPIC_REPLICATION, -1, -1, 32, problems),
    chunkSize: integer("CDP_CHUNK_SIZE", vars.CDP_CHUNK_SIZE, 500, 1, 100_000, problems),
    transformThread: flag("CDP_TRANSFORM_THREAD", vars.CDP_TRANSFORM_THREAD, true, problems),
    // The broker's default max.message.bytes (1,048,588) less room for the batch and record headers.
    maxRecordBytes: integer("CDP_MAX_RECORD_BYTES", vars.CDP_MAX_RECORD_BYTES, 1_048_000, 1_024, 1024 ** 3, problems),
    chunkBytes: integer("CDP_CHUNK_BYTES", vars.CDP_CHUNK_BYTES, 256 * 1024, 1024, 64 * 1024 * 1024, problems),
    maxBytesPerPartition: integer(
      "CDP_MAX_BYTES_PER_PARTITION",
      vars.CDP_MAX_BYTES_PER_PARTITION,
      1024 * 1024,
      1024,
      64 * 1024 * 1024,
      problems,
    ),
    partitionsConcurrently: integer(
      "CDP_PARTITIONS_CONCURRENTLY",
      vars.CDP_PARTITIONS_CONCURRENTLY,
      4,
      1,
      64,
      problems,
    ),
    commitIntervalMs: integer("CDP_COMMIT_INTERVAL_MS", vars.CDP_COMMIT_INTERVAL_MS, 5_000, 100, 600_000, problems),
    logLevel: vars.CDP_LOG_LEVEL ?? "info",
  };
  if (!["fatal", "error", "warn", "info", "debug", "trace", "silent"].includes(config.logLevel)) {
    problems.push(`CDP_LOG_LEVEL=${config.logLevel}: must be fatal, error, warn, info, debug, trace or silent`);
  }
  if (problems.length > 0 || !pipeline) throw new ConfigError(problems);
  return Object.freeze({ ...config, pipeline });
}

/**
 * Every setting of the worker, described once: its environment variable, type, default, range
 * and meaning. This one description drives the parsing (worker-config.ts), `cdp-router run
 * --help`, and the README's table (a test fails when they differ).
 */
interface Described {
  /** What it does, for people (README and --help); Markdown code spans allowed. */
  readonly meaning: string;
}

export type SettingSpec = Described &
  (
    | { readonly type: "integer"; readonly default: number; readonly min: number; readonly max: number }
    | { readonly type: "boolean"; readonly default: boolean }
    | { readonly type: "choice"; readonly default: string; readonly choices: readonly string[] }
    /** Text checked by its own rule in worker-config.ts; `shown` is the default as people read it. */
    | { readonly type: "text"; readonly default?: string; readonly shown: string }
  );

const REQUIRED_LOCAL = "(required; `npm start`: the local stack)";

export const WORKER_SETTINGS = {
  KAFKA_BROKERS: { type: "text", shown: REQUIRED_LOCAL, meaning: "`host:port,...`" },
  KAFKA_CLIENT_ID: { type: "text", default: "cdp-router", shown: "`cdp-router`", meaning: "the client id brokers log" },
  KAFKA_SASL_MECHANISM: {
    type: "text",
    shown: "none",
    meaning: "`plain`, `scram-sha-256` or `scram-sha-512`; needs the username and password",
  },
  KAFKA_SASL_USERNAME: { type: "text", shown: "none", meaning: "SASL user" },
  KAFKA_SASL_PASSWORD: { type: "text", shown: "none", meaning: "SASL password (never logged)" },
  KAFKA_TLS: {
    type: "text",
    shown: "off (on when a CA or cert file is given)",
    meaning: "`true` or `false`: TLS to the brokers",
  },
  KAFKA_TLS_CA_FILE: { type: "text", shown: "none", meaning: "PEM file of the CA(s) to trust" },
  KAFKA_TLS_CERT_FILE: { type: "text", shown: "none", meaning: "PEM client certificate (with the key file)" },
  KAFKA_TLS_KEY_FILE: { type: "text", shown: "none", meaning: "PEM client key (with the certificate file)" },
  KAFKA_TLS_REJECT_UNAUTHORIZED: {
    type: "boolean",
    default: true,
    meaning: "`false` accepts any broker certificate (testing only)",
  },
  SCHEMA_REGISTRY_URL: {
    type: "text",
    shown: REQUIRED_LOCAL,
    meaning: "a Confluent-compatible registry, with its API path (Apicurio: `/apis/ccompat/v7`)",
  },
  SCHEMA_REGISTRY_USERNAME: { type: "text", shown: "none", meaning: "basic-auth user of the registry" },
  SCHEMA_REGISTRY_PASSWORD: { type: "text", shown: "none", meaning: "basic-auth password (never logged)" },
  CDP_GROUP_ID: { type: "text", default: "cdp-router", shown: "`cdp-router`", meaning: "consumer group" },
  CDP_INPUT_TOPICS: {
    type: "text",
    shown: "`cdp.raw.group,cdp.raw.track`",
    meaning: "raw topics, comma-separated",
  },
  CDP_DELIVERY: {
    type: "choice",
    default: "at-least-once",
    choices: ["at-least-once", "exactly-once"],
    meaning: "delivery guarantee (exactly-once: readers use `read_committed`)",
  },
  CDP_WORKER_ID: { type: "text", shown: "`<hostname>-<pid>`", meaning: "written into dead letters" },
  CDP_HTTP_PORT: {
    type: "integer",
    default: 9464,
    min: 0,
    max: 65535,
    meaning: "health and metrics; `0` turns the server off",
  },
  CDP_SHUTDOWN_GRACE_MS: {
    type: "integer",
    default: 25_000,
    min: 0,
    max: 600_000,
    meaning: "a stop takes at most this plus 2 s: keep it under Kubernetes' `terminationGracePeriodSeconds`",
  },
  CDP_SESSION_TIMEOUT_MS: {
    type: "integer",
    default: 30_000,
    // The broker's group.min.session.timeout.ms and group.max.session.timeout.ms defaults.
    min: 6_000,
    max: 1_800_000,
    meaning:
      "how long the group waits for a silent (stalled, partitioned) worker before moving its partitions; the range is the broker's default bounds. Shorter moves partitions sooner but turns a long GC pause or CPU starvation into a rebalance",
  },
  CDP_MAX_RESTARTS: {
    type: "integer",
    default: 10,
    min: 0,
    max: 1_000,
    meaning:
      "in-process restarts per 10 minutes after a consumer crash the cluster survives (a stalled or failing-over broker: kafkajs's retriable errors), each after a doubling delay from 1 s to 30 s; past that, or on any other crash, the process exits 1 for its supervisor. `0`: every crash exits",
  },
  CDP_TOPIC_PARTITIONS: {
    type: "integer",
    default: 3,
    min: 1,
    max: 10_000,
    meaning: "partitions of the topics the worker creates",
  },
  CDP_TOPIC_REPLICATION: {
    type: "integer",
    default: -1,
    min: -1,
    max: 32,
    meaning: "replication factor of the topics the worker creates; `-1`: the broker's default",
  },
  CDP_CHUNK_SIZE: {
    type: "integer",
    default: 500,
    min: 1,
    max: 100_000,
    meaning: "raw records per produce round trip",
  },
  CDP_MAX_RECORD_BYTES: {
    type: "integer",
    // The broker's default max.message.bytes (1,048,588) less room for the batch and record headers.
    default: 1_048_000,
    min: 1_024,
    max: 1024 ** 3,
    meaning:
      "the largest destination record written; a larger one is dead-lettered as `record_too_large` instead of being refused by the broker on every retry. Raise it with your topics' `max.message.bytes`",
  },
  CDP_CHUNK_BYTES: {
    type: "integer",
    default: 256 * 1024,
    min: 1024,
    max: 64 * 1024 * 1024,
    meaning:
      "raw bytes per produce round trip (a larger record goes alone): keeps each record batch under the broker's `max.message.bytes` (1 MiB by default); lower it if your destination topics allow less",
  },
  CDP_PARTITIONS_CONCURRENTLY: {
    type: "integer",
    default: 4,
    min: 1,
    max: 64,
    meaning:
      "assigned partitions processed at once, each in order (exactly-once overlaps the partitions' transactions)",
  },
  CDP_TRANSFORM_THREAD: {
    type: "boolean",
    default: true,
    meaning:
      "run the pipeline and Avro encoding on a worker thread beside kafkajs; `false` runs them on the event loop",
  },
  CDP_TRANSFORM_THREADS: {
    type: "integer",
    default: 1,
    min: 1,
    max: 64,
    meaning:
      "transform threads (with CDP_TRANSFORM_THREAD): each assigned partition is transformed on one of them, in order; each has its own dedupe window and about 80 MiB",
  },
  CDP_TRANSFORM_ON_MAIN: {
    type: "boolean",
    default: true,
    meaning:
      "with CDP_TRANSFORM_THREAD, the event loop also transforms a share of the assigned partitions (half a thread's) in the time kafkajs leaves it: 10-12% more events/s here than the thread alone; `false` leaves the event loop to kafkajs",
  },
  CDP_MAX_BYTES_PER_PARTITION: {
    type: "integer",
    // 1 MiB (kafkajs's own). 2 MiB gave about 5% more events/s at full speed here (the transform
    // waits less between fetch cycles) for 10-25 MiB more, up to 294 MiB: too close to the 300 MiB
    // the worker is held to (docs/benchmarks.md, "2026-11-29 night"). A node with memory to spare
    // can raise it.
    default: 1024 * 1024,
    min: 1024,
    max: 64 * 1024 * 1024,
    meaning:
      "fetch size per partition (a memory bound: each fetch asks a broker for at most 8 times this in all); 2 MiB gave about 5% more events/s here for 10-25 MiB more",
  },
  CDP_COMMIT_INTERVAL_MS: {
    type: "integer",
    // 200 ms, not Java's 5 s: commits are off the fetch loop's path (the patched kafkajs runner),
    // so five a second cost nothing measurable, and a crashed worker's successor redoes a fifth of
    // a second of work (at full speed ~2,000 events, ~15,000 records), not five seconds of it.
    default: 200,
    min: 100,
    max: 600_000,
    meaning:
      "at-least-once: how often acknowledged offsets are committed (also on shutdown and before a rebalance); a crash reprocesses at most about this much",
  },
  CDP_LOG_LEVEL: {
    type: "choice",
    default: "info",
    choices: ["fatal", "error", "warn", "info", "debug", "trace", "silent"],
    meaning: "pino level",
  },
  CDP_PIPELINE_CONFIG: {
    type: "text",
    shown: "none",
    meaning: "the pipeline's JSON configuration (as for `transform --config`)",
  },
  CDP_CONFIG_FILE: {
    type: "text",
    shown: "none",
    meaning: "a JSON file of these same variables (the environment wins) plus a `pipeline` object",
  },
} as const satisfies Record<string, SettingSpec>;

export type WorkerVariable = keyof typeof WORKER_SETTINGS;

/** The default as people read it: `9464`, `true`, `at-least-once`, or a text setting's own words. */
function shownDefault(spec: SettingSpec): string {
  if (spec.type === "text") return spec.shown;
  return `\`${String(spec.default)}\``;
}

/** The range or choices, when the setting has them. */
function shownRange(spec: SettingSpec): string {
  if (spec.type === "integer") return `${spec.min} to ${spec.max}`;
  if (spec.type === "choice") return spec.choices.map((choice) => `\`${choice}\``).join(", ");
  if (spec.type === "boolean") return "`true`, `false`";
  return "";
}

/** The README's table of worker settings, one row per variable. */
export function settingsTable(): string {
  const rows = Object.entries(WORKER_SETTINGS).map(
    ([name, spec]: [string, SettingSpec]) =>
      `| \`${name}\` | ${shownDefault(spec)} | ${shownRange(spec)} | ${spec.meaning} |`,
  );
  return ["| variable | default | range | meaning |", "|---|---|---|---|", ...rows].join("\n");
}

/** `run --help`'s list: each variable with its default and range, without Markdown. */
export function settingsHelp(): string {
  const plain = (text: string) => text.replaceAll("`", "");
  const width = Math.max(...Object.keys(WORKER_SETTINGS).map((name) => name.length));
  return Object.entries(WORKER_SETTINGS)
    .map(([name, spec]: [string, SettingSpec]) => {
      const range = shownRange(spec);
      return `  ${name.padEnd(width)}  default ${plain(shownDefault(spec))}${range ? `; ${plain(range)}` : ""}`;
    })
    .join("\n");
}

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveApicurio, resolveKafka, resolveKafkaTools } from "./artifacts.js";
import { CCOMPAT_PATH, resolveEndpoints, type StackEndpoints } from "./endpoints.js";
import { findJava, type JavaRuntime } from "./java.js";
import { clusterDir, type KafkaNode, kafkaNodes, prepareNode, runningPids, startNode } from "./kafka-nodes.js";
import {
  DEFAULT_APICURIO_VERSION,
  DEFAULT_KAFKA_VERSION,
  JAVA17_APICURIO_VERSION,
  REGISTRY_AUTH_PORT,
  REGISTRY_PORT,
  type StackLayout,
  stackLayout,
} from "./layout.js";
import { withStackLock } from "./lock.js";
import { describeBrokers, portIsOpen, portStaysOpen, registryAnswers, registryCaughtUp, waitUntil } from "./probes.js";
import { componentMarker, findByMarker, isAlive, startDetached, stopByMarker } from "./processes.js";
import { registryNode, startRegistry } from "./registry-node.js";
import { ensureCertificates, LOCAL_REGISTRY_USER } from "./security.js";

export type BrokerCount = 1 | 3;

export interface StackOptions {
  readonly brokerCount?: BrokerCount;
  readonly env?: NodeJS.ProcessEnv;
  readonly say?: (line: string) => void;
}

interface StackState {
  readonly brokerCount: BrokerCount;
  readonly kafkaVersion?: string;
  readonly apicurioVersion?: string;
  readonly startedAt: string;
}

const BROKER_START_TIMEOUT_MS = 90_000;
const REGISTRY_START_TIMEOUT_MS = 180_000;
const LOCK_TIMEOUT_MS = 15 * 60_000;

function kafkaVersionOf(env: NodeJS.ProcessEnv): string {
  return env.CDP_STACK_KAFKA_VERSION?.trim() || DEFAULT_KAFKA_VERSION;
}

/** Apicurio 3.0.x runs on Java 17; later 3.x lines are built for Java 21. */
function javaNeededBy(apicurioVersion: string): number {
  return apicurioVersion.startsWith("3.0.") || apicurioVersion.startsWith("2.") ? 17 : 21;
}

function requireJava(env: NodeJS.ProcessEnv, minimumMajor: number, forWhat: string): JavaRuntime {
  const java = findJava(env, minimumMajor);
  if (!java) {
    throw new Error(
      `${forWhat} needs Java ${minimumMajor}+ and none was found (looked at CDP_STACK_JAVA_HOME, JAVA_HOME, PATH, /usr/lib/jvm, /opt/java)`,
    );
  }
  return java;
}

/**
 * The registry release and the Java to run it: CDP_STACK_APICURIO_VERSION when set, else the
 * newest release when a Java 21+ is installed, else the newest line that runs on Java 17.
 */
function chooseRegistry(env: NodeJS.ProcessEnv, say: (line: string) => void): { version: string; java: JavaRuntime } {
  const pinned = env.CDP_STACK_APICURIO_VERSION?.trim();
  if (pinned) return { version: pinned, java: requireJava(env, javaNeededBy(pinned), `Apicurio Registry ${pinned}`) };
  const modern = findJava(env, javaNeededBy(DEFAULT_APICURIO_VERSION));
  if (modern) return { version: DEFAULT_APICURIO_VERSION, java: modern };
  say(
    `registry: no Java 21+ found, so using Apicurio Registry ${JAVA17_APICURIO_VERSION}, the newest line that runs on Java 17`,
  );
  return {
    version: JAVA17_APICURIO_VERSION,
    java: requireJava(env, 17, `Apicurio Registry ${JAVA17_APICURIO_VERSION}`),
  };
}

function readState(layout: StackLayout): StackState | undefined {
  if (!existsSync(layout.stateFile)) return undefined;
  return JSON.parse(readFileSync(layout.stateFile, "utf8")) as StackState;
}

/** Kafka nodes of this stack that run now, whatever version or size they were started with. */
function runningKafkaMarkers(layout: StackLayout): boolean {
  return findByMarker(componentMarker(join(layout.runtime, "kafka-")), { prefix: true }).length > 0;
}

export type KafkaStartPlan = "running" | "start_all" | "start_missing" | "refuse";

/**
 * What `stack up` does with Kafka, from which nodes of the wanted cluster run and whether nodes of
 * another cluster (another version or size) run: nothing when all run; the missing ones when some
 * of this cluster run (a broker that was killed comes back with its data, as a failover test
 * needs); all when none run; refuse when another cluster holds the ports.
 */
export function planKafkaStart(running: readonly boolean[], anyStackKafkaRunning: boolean): KafkaStartPlan {
  if (running.length > 0 && running.every(Boolean)) return "running";
  if (running.some(Boolean)) return "start_missing";
  return anyStackKafkaRunning ? "refuse" : "start_all";
}

/** How long a port may stay open for a process of the stack that is still exiting (see portStaysOpen). */
const EXITING_PROCESS_MS = 15_000;

async function startKafka(
  layout: StackLayout,
  brokerCount: BrokerCount,
  kafkaVersion: string,
  endpoints: StackEndpoints,
  env: NodeJS.ProcessEnv,
  say: (line: string) => void,
): Promise<void> {
  const root = clusterDir(layout.runtime, kafkaVersion, brokerCount);
  const nodes = kafkaNodes(root, brokerCount);
  const state = readState(layout);
  const running = nodes.map((node) => runningPids(node).length > 0);
  const plan = planKafkaStart(running, runningKafkaMarkers(layout));
  if (plan === "running") {
    await waitForBrokers(endpoints.brokers, brokerCount, nodes);
    say(
      `kafka ${kafkaVersion}: already running (${brokerCount} broker${brokerCount > 1 ? "s" : ""}) at ${endpoints.brokers.join(",")}`,
    );
    return;
  }
  if (plan === "refuse") {
    const other = state ? `${state.kafkaVersion} with ${state.brokerCount} broker(s)` : "in another configuration";
    throw new Error(`the local stack already runs Kafka ${other}; run \`npm run stack:down\` first`);
  }
  const missing = nodes.filter((_, i) => !running[i]);
  for (const node of missing) {
    if (await portStaysOpen("127.0.0.1", node.port, EXITING_PROCESS_MS)) {
      throw new Error(
        `port ${node.port} is in use by a process this stack did not start; free it, or point KAFKA_BROKERS at that broker`,
      );
    }
  }
  const java = requireJava(env, 17, `Kafka ${kafkaVersion}`);
  const started = Date.now();
  const libDir = await resolveKafka(layout.artifacts, kafkaVersion, () =>
    say(`kafka ${kafkaVersion}: resolving org.apache.kafka:kafka_2.13 from Maven Central (once)`),
  );
  mkdirSync(root, { recursive: true });
  const certificates = await ensureCertificates(join(layout.runtime, "security"), java.path);
  for (const node of missing) await prepareNode(node, root, brokerCount, java.path, libDir, certificates);
  for (const node of missing) startNode(node, java.path, libDir);
  await waitForBrokers(endpoints.brokers, brokerCount, nodes, missing);
  const restarted = plan === "start_missing" ? `restarted broker(s) ${missing.map((n) => n.nodeId).join(", ")}; ` : "";
  say(
    `kafka ${kafkaVersion}: ${restarted}${brokerCount} broker(s) up at ${endpoints.brokers.join(",")} in ${elapsed(started)} on Java ${java.major} (logs: ${nodes.map((n) => n.logFile).join(", ")})`,
  );
}

/**
 * Until the cluster lists every broker and each node in `started` answers on its own port: the
 * controller may still list a killed broker for a while, so the cluster's list alone would call
 * a restart done before the new process serves anything.
 */
async function waitForBrokers(
  brokers: string[],
  brokerCount: number,
  nodes: KafkaNode[],
  started: readonly KafkaNode[] = nodes,
): Promise<void> {
  const [first] = nodes;
  const answers = async () => {
    for (const node of started) {
      if ((await describeBrokers([`127.0.0.1:${node.port}`])) !== brokerCount) return false;
    }
    return (await describeBrokers(brokers)) === brokerCount;
  };
  await waitUntil(answers, {
    what: `Kafka (${brokerCount} broker(s))`,
    timeoutMs: BROKER_START_TIMEOUT_MS,
    stillStarting: () => nodes.every((node) => runningPids(node).length > 0),
    ...(first ? { logFile: first.logFile } : {}),
  });
}

async function startApicurio(
  layout: StackLayout,
  endpoints: StackEndpoints,
  env: NodeJS.ProcessEnv,
  say: (line: string) => void,
): Promise<string | undefined> {
  const node = registryNode(layout.registryDir);
  if (findByMarker(node.marker).length > 0) {
    await waitForRegistry(endpoints.registryUrl, node.logFile, () => findByMarker(node.marker).length > 0);
    say(`registry: already running at ${endpoints.registryUrl}`);
    return readState(layout)?.apicurioVersion;
  }
  if (await portStaysOpen("127.0.0.1", REGISTRY_PORT, EXITING_PROCESS_MS)) {
    throw new Error(
      `port ${REGISTRY_PORT} is in use by a process this stack did not start; free it, or point SCHEMA_REGISTRY_URL at that registry`,
    );
  }
  const { version, java } = chooseRegistry(env, say);
  const started = Date.now();
  const jar = await resolveApicurio(layout.artifacts, version, () =>
    say(`registry: resolving io.apicurio:apicurio-registry-app ${version} from Maven Central (once)`),
  );
  const storageBrokers = endpoints.externalKafka ? undefined : endpoints.brokers;
  if (!storageBrokers) say("registry: Kafka is external, so the local registry keeps schemas in memory only");
  const pid = startRegistry(node, { java: java.path, jar, apicurioVersion: version, kafkaBrokers: storageBrokers });
  await waitForRegistry(endpoints.registryUrl, node.logFile, () => isAlive(pid));
  say(
    `registry: Apicurio Registry ${version} up at ${endpoints.registryUrl} in ${elapsed(started)} on Java ${java.major} (log: ${node.logFile})`,
  );
  return version;
}

/** The registry behind basic authentication (see registry-auth-proxy.ts), a small Node process. */
async function startRegistryAuthProxy(layout: StackLayout, say: (line: string) => void): Promise<void> {
  const dir = join(layout.runtime, "registry-auth");
  const marker = componentMarker(dir);
  const url = `http://127.0.0.1:${REGISTRY_AUTH_PORT}${CCOMPAT_PATH}`;
  if (findByMarker(marker).length === 0) {
    mkdirSync(dir, { recursive: true });
    const pid = startDetached({
      command: process.execPath,
      // The compiled entry point, from src/ (tests) and dist/ alike: `npm run build` makes it.
      args: [fileURLToPath(new URL("../../dist/stack/registry-auth-proxy-main.js", import.meta.url)), marker],
      cwd: dir,
      env: process.env,
      logFile: join(dir, "proxy.log"),
      pidFile: join(dir, "proxy.pid"),
    }).pid;
    await waitUntil(() => portIsOpen("127.0.0.1", REGISTRY_AUTH_PORT), {
      what: "the registry's basic-auth proxy",
      timeoutMs: 10_000,
      stillStarting: () => isAlive(pid),
      logFile: join(dir, "proxy.log"),
    });
  }
  say(`registry: with basic auth (user ${LOCAL_REGISTRY_USER.username}) at ${url}`);
}

function waitForRegistry(url: string, logFile: string, stillStarting: () => boolean): Promise<void> {
  return waitUntil(async () => (await registryAnswers(url)) && (await registryCaughtUp(url)), {
    what: "the schema registry",
    timeoutMs: REGISTRY_START_TIMEOUT_MS,
    stillStarting,
    logFile,
  });
}

function elapsed(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

/**
 * Starts what is needed and not already running: a KRaft cluster of 1 or 3 brokers and the
 * registry, unless KAFKA_BROKERS / SCHEMA_REGISTRY_URL name external ones. Idempotent.
 */
export async function stackUp(options: StackOptions = {}): Promise<StackEndpoints> {
  const env = options.env ?? process.env;
  const say = options.say ?? (() => {});
  const brokerCount = options.brokerCount ?? 1;
  const layout = stackLayout(env);
  const kafkaVersion = kafkaVersionOf(env);
  const endpoints = resolveEndpoints(env, brokerCount);
  if (endpoints.externalKafka) say(`kafka: external (KAFKA_BROKERS=${endpoints.brokers.join(",")}); nothing started`);
  if (endpoints.externalRegistry)
    say(`registry: external (SCHEMA_REGISTRY_URL=${endpoints.registryUrl}); nothing started`);
  if (endpoints.externalKafka && endpoints.externalRegistry) return endpoints;
  mkdirSync(layout.runtime, { recursive: true });
  await withStackLock(layout.lockDir, LOCK_TIMEOUT_MS, async () => {
    if (!endpoints.externalKafka) await startKafka(layout, brokerCount, kafkaVersion, endpoints, env, say);
    const apicurioVersion = endpoints.externalRegistry ? undefined : await startApicurio(layout, endpoints, env, say);
    if (!endpoints.externalRegistry) await startRegistryAuthProxy(layout, say);
    const state: StackState = {
      brokerCount,
      ...(endpoints.externalKafka ? {} : { kafkaVersion }),
      ...(apicurioVersion ? { apicurioVersion } : {}),
      startedAt: new Date().toISOString(),
    };
    writeFileSync(layout.stateFile, `${JSON.stringify(state, null, 2)}\n`);
  });
  return endpoints;
}

/**
 * Java and a classpath for Kafka's own tools of the stack's Kafka version (kafka-tools, resolved
 * by Maven once): `npm run bench:worker` runs ProducerPerformance with them as its reference.
 */
export async function kafkaTools(
  options: { env?: NodeJS.ProcessEnv; say?: (line: string) => void } = {},
): Promise<{ java: string; classpath: string; version: string }> {
  const env = options.env ?? process.env;
  const version = kafkaVersionOf(env);
  const java = requireJava(env, 17, `Kafka ${version}'s tools`);
  const libDir = await resolveKafkaTools(stackLayout(env).artifacts, version, () =>
    options.say?.(`kafka-tools ${version}: resolving org.apache.kafka:kafka-tools from Maven Central (once)`),
  );
  return { java: java.path, classpath: join(libDir, "*"), version };
}

export interface StopOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly say?: (line: string) => void;
  /** Also delete the brokers' data (topics, offsets, the registry's journal). */
  readonly purge?: boolean;
}

/**
 * Stops every process this stack started, found by its command-line marker, so that it works
 * after a crash, with stale or missing pid files, and whatever mode the stack was started in.
 */
export async function stackDown(options: StopOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  const say = options.say ?? (() => {});
  const layout = stackLayout(env);
  await withStackLock(layout.lockDir, LOCK_TIMEOUT_MS, async () => {
    const registry = registryNode(layout.registryDir);
    await stopByMarker(componentMarker(join(layout.runtime, "registry-auth")), 5_000);
    // The registry first: it is a client of the brokers.
    const registryPids = await stopByMarker(registry.marker, 20_000, registry.pidFile);
    say(registryPids.length > 0 ? `registry: stopped (pid ${registryPids.join(", ")})` : "registry: not running");
    const kafkaPids = await stopByMarker(componentMarker(join(layout.runtime, "kafka-")), 30_000, undefined, {
      prefix: true,
    });
    say(kafkaPids.length > 0 ? `kafka: stopped (pid ${kafkaPids.join(", ")})` : "kafka: not running");
    for (const pidFile of brokerPidFiles(layout)) rmSync(pidFile, { force: true });
    rmSync(layout.stateFile, { force: true });
    if (options.purge) {
      rmSync(layout.runtime, { recursive: true, force: true });
      say(`data: removed ${layout.runtime}`);
    }
  });
}

function brokerPidFiles(layout: StackLayout): string[] {
  if (!existsSync(layout.runtime)) return [];
  return readdirSync(layout.runtime, { recursive: true, encoding: "utf8" })
    .filter((path) => path.endsWith("broker.pid"))
    .map((path) => join(layout.runtime, path));
}

export interface ComponentStatus {
  readonly name: string;
  readonly mode: "local" | "external";
  readonly pids: number[];
  readonly answering: boolean;
  readonly address: string;
  readonly detail: string;
}

export async function stackStatus(options: { env?: NodeJS.ProcessEnv } = {}): Promise<ComponentStatus[]> {
  const env = options.env ?? process.env;
  const layout = stackLayout(env);
  const state = readState(layout);
  const brokerCount = state?.brokerCount ?? 1;
  const endpoints = resolveEndpoints(env, brokerCount);
  const kafkaPids = endpoints.externalKafka
    ? []
    : findByMarker(componentMarker(join(layout.runtime, "kafka-")), { prefix: true });
  const reported = await describeBrokers(endpoints.brokers).catch(() => 0);
  const registryPids = endpoints.externalRegistry ? [] : findByMarker(registryNode(layout.registryDir).marker);
  const kafkaVersion = state?.kafkaVersion ?? kafkaVersionOf(env);
  const apicurioVersion = state?.apicurioVersion ?? "(not started)";
  return [
    {
      name: "kafka",
      mode: endpoints.externalKafka ? "external" : "local",
      pids: kafkaPids,
      answering: reported > 0,
      address: endpoints.brokers.join(","),
      detail: endpoints.externalKafka
        ? `${reported} broker(s) answering`
        : `Kafka ${kafkaVersion}, ${reported}/${brokerCount} broker(s) answering`,
    },
    {
      name: "registry",
      mode: endpoints.externalRegistry ? "external" : "local",
      pids: registryPids,
      answering: await registryAnswers(endpoints.registryUrl),
      address: endpoints.registryUrl,
      detail: endpoints.externalRegistry ? "Confluent-compatible API" : `Apicurio Registry ${apicurioVersion}`,
    },
  ];
}

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { REGISTRY_MANAGEMENT_PORT, REGISTRY_PORT } from "./layout.js";
import { componentMarker, startDetached } from "./processes.js";

export interface RegistryNode {
  readonly dir: string;
  readonly marker: string;
  readonly logFile: string;
  readonly pidFile: string;
}

export function registryNode(registryDir: string): RegistryNode {
  return {
    dir: registryDir,
    marker: componentMarker(registryDir),
    logFile: join(registryDir, "registry.log"),
    pidFile: join(registryDir, "registry.pid"),
  };
}

/**
 * Apicurio's settings. With a local broker the registry keeps its schemas in a Kafka topic
 * (`kafkasql`), so that schema ids stay valid for the records already in the topics after a
 * restart; against an external broker it keeps them in memory rather than write to someone
 * else's cluster.
 */
export function registryEnvironment(
  kafkaBrokers: string[] | undefined,
  dir: string,
  apicurioVersion: string,
): Record<string, string> {
  const common: Record<string, string> = {
    QUARKUS_HTTP_HOST: "127.0.0.1",
    QUARKUS_HTTP_PORT: String(REGISTRY_PORT),
    QUARKUS_MANAGEMENT_HOST: "127.0.0.1",
    QUARKUS_MANAGEMENT_PORT: String(REGISTRY_MANAGEMENT_PORT),
    APICURIO_STORAGE_SNAPSHOT_LOCATION: dir,
  };
  if (!kafkaBrokers) return common;
  return {
    ...common,
    APICURIO_STORAGE_KIND: "kafkasql",
    APICURIO_KAFKASQL_BOOTSTRAP_SERVERS: kafkaBrokers.join(","),
    // One journal per registry release: when 3.0.9 and 3.3.3 replayed one shared journal, a
    // schema registered as id 3 came back as id 2 after a restart, which would make records
    // already in the topics decode with the wrong schema. A release switch starts empty instead.
    APICURIO_KAFKASQL_TOPIC: `kafkasql-journal-${apicurioVersion}`,
    APICURIO_KAFKASQL_SNAPSHOTS_TOPIC: `kafkasql-snapshots-${apicurioVersion}`,
    // Start-up reads the journal and snapshot topics until a poll comes back empty; the 5 s
    // default poll made every start take 20 s longer on an empty local broker.
    APICURIO_KAFKASQL_CONSUMER_POLL_TIMEOUT: "500",
  };
}

export interface RegistryLaunch {
  readonly java: string;
  readonly jar: string;
  readonly apicurioVersion: string;
  /** The brokers that hold the registry's journal; none keeps the schemas in memory. */
  readonly kafkaBrokers: string[] | undefined;
}

export function startRegistry(node: RegistryNode, launch: RegistryLaunch): number {
  mkdirSync(node.dir, { recursive: true });
  return startDetached({
    command: launch.java,
    args: ["-Xms128m", "-Xmx512m", "-Djava.awt.headless=true", node.marker, "-jar", launch.jar],
    cwd: node.dir,
    env: { ...process.env, ...registryEnvironment(launch.kafkaBrokers, node.dir, launch.apicurioVersion) },
    logFile: node.logFile,
    pidFile: node.pidFile,
  }).pid;
}

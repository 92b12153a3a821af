import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The broker line the local stack runs unless CDP_STACK_KAFKA_VERSION says otherwise (see README). */
export const DEFAULT_KAFKA_VERSION = "4.4.0";
/** The newest Apicurio Registry 3 release served by Maven Central when this was written; needs Java 21+. */
export const DEFAULT_APICURIO_VERSION = "3.3.3";
/** The newest Apicurio line that still runs on Java 17: used when no Java 21+ is installed. */
export const JAVA17_APICURIO_VERSION = "3.0.9";

/**
 * `CDP_STACK_PORT_OFFSET` shifts every port of the local stack, so that a second stack (with a
 * `CDP_STACK_DIR` of its own) can run beside the first: tests or a benchmark while a fault
 * campaign holds the default ports. Read once: every process of one stack must agree on it.
 */
export function portOffset(text: string | undefined): number {
  if (text === undefined || text.trim() === "") return 0;
  const offset = Number(text);
  if (!Number.isInteger(offset) || offset < 0 || offset > 50_000) {
    throw new Error(`CDP_STACK_PORT_OFFSET must be a whole number from 0 to 50000, not ${JSON.stringify(text)}`);
  }
  return offset;
}
export const PORT_OFFSET = portOffset(process.env.CDP_STACK_PORT_OFFSET);

export const BROKER_PORT_BASE = 9092 + PORT_OFFSET;
export const CONTROLLER_PORT_BASE = 9093 + PORT_OFFSET;
/** Broker n (1-based) listens on BROKER_PORT_BASE + (n - 1) * PORT_STRIDE. */
export const PORT_STRIDE = 100;
export const REGISTRY_PORT = 8081 + PORT_OFFSET;
export const REGISTRY_MANAGEMENT_PORT = 8082 + PORT_OFFSET;
/** The registry behind HTTP basic authentication (the stack's auth proxy). */
export const REGISTRY_AUTH_PORT = 8085 + PORT_OFFSET;

function findProjectRoot(): string {
  // Works from src/stack (vitest) and dist/stack (compiled) alike.
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cdp-router: cannot find the project root (package.json)");
    dir = parent;
  }
  return dir;
}

export interface StackLayout {
  readonly root: string;
  readonly artifacts: string;
  readonly runtime: string;
  readonly lockDir: string;
  readonly stateFile: string;
  brokerDir(nodeId: number): string;
  readonly registryDir: string;
}

/** Where the stack keeps everything: `CDP_STACK_DIR`, else `<project>/.cache/stack` (git-ignored). */
export function stackLayout(env: NodeJS.ProcessEnv = process.env): StackLayout {
  const root = resolve(env.CDP_STACK_DIR ?? join(findProjectRoot(), ".cache", "stack"));
  const runtime = join(root, "runtime");
  return {
    root,
    artifacts: join(root, "artifacts"),
    runtime,
    lockDir: join(root, "lock"),
    stateFile: join(runtime, "stack.json"),
    brokerDir: (nodeId) => join(runtime, `kafka-${nodeId}`),
    registryDir: join(runtime, "registry"),
  };
}

export function brokerPort(nodeId: number): number {
  return BROKER_PORT_BASE + (nodeId - 1) * PORT_STRIDE;
}

export function controllerPort(nodeId: number): number {
  return CONTROLLER_PORT_BASE + (nodeId - 1) * PORT_STRIDE;
}

export function bootstrapServers(brokerCount: number): string[] {
  return Array.from({ length: brokerCount }, (_, i) => `127.0.0.1:${brokerPort(i + 1)}`);
}

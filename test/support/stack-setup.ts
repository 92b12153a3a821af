import type { TestProject } from "vitest/node";
import { silenceKafkajsTimeoutWarning } from "../../src/kafka/warnings.js";
import { stackDown, stackStatus, stackUp } from "../../src/stack/stack.js";

declare module "vitest" {
  export interface ProvidedContext {
    kafkaBrokers: string[];
    schemaRegistryUrl: string;
  }
}

/**
 * Integration tests run against the real local stack (or KAFKA_BROKERS / SCHEMA_REGISTRY_URL).
 * A stack that was already running is left running; one started here is stopped afterwards
 * unless CDP_KEEP_STACK=1.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  silenceKafkajsTimeoutWarning();
  const wasRunning = (await stackStatus()).every((component) => component.answering);
  const say = (line: string) => process.stderr.write(`[stack] ${line}\n`);
  const endpoints = await stackUp({ say });
  project.provide("kafkaBrokers", endpoints.brokers);
  project.provide("schemaRegistryUrl", endpoints.registryUrl);
  return async () => {
    if (!wasRunning && process.env.CDP_KEEP_STACK !== "1") await stackDown({ say });
  };
}

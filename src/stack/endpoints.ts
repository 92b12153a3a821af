import { bootstrapServers, REGISTRY_PORT } from "./layout.js";

/** The Confluent-compatible API of Apicurio Registry 3. */
export const CCOMPAT_PATH = "/apis/ccompat/v7";

export interface StackEndpoints {
  readonly brokers: string[];
  readonly registryUrl: string;
  /** True where KAFKA_BROKERS / SCHEMA_REGISTRY_URL name an external service: nothing is started for it. */
  readonly externalKafka: boolean;
  readonly externalRegistry: boolean;
}

export function localRegistryUrl(): string {
  return `http://127.0.0.1:${REGISTRY_PORT}${CCOMPAT_PATH}`;
}

function parseBrokers(value: string): string[] {
  const brokers = value
    .split(",")
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
  for (const broker of brokers) {
    if (!/^[^\s:/]+:\d{1,5}$/.test(broker)) {
      throw new Error(`KAFKA_BROKERS: "${broker}" is not host:port`);
    }
  }
  if (brokers.length === 0) throw new Error("KAFKA_BROKERS is set but names no broker");
  return brokers;
}

function parseRegistryUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`SCHEMA_REGISTRY_URL: "${value}" is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`SCHEMA_REGISTRY_URL: "${value}" must be http or https`);
  }
  return value.replace(/\/+$/, "");
}

/** Where Kafka and the registry are: from the environment when set, else the local stack's. */
export function resolveEndpoints(env: NodeJS.ProcessEnv, brokerCount: 1 | 3): StackEndpoints {
  const kafka = env.KAFKA_BROKERS?.trim();
  const registry = env.SCHEMA_REGISTRY_URL?.trim();
  return {
    brokers: kafka ? parseBrokers(kafka) : bootstrapServers(brokerCount),
    registryUrl: registry ? parseRegistryUrl(registry) : localRegistryUrl(),
    externalKafka: Boolean(kafka),
    externalRegistry: Boolean(registry),
  };
}

import { randomUUID } from "node:crypto";
import { createConnection } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { Kafka, logLevel } from "kafkajs";

/** True when something accepts TCP connections on host:port. */
export function portIsOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * True when host:port is still open after `forMs`, polled; false as soon as it closes. A process
 * of the stack that was just SIGKILLed (a fault campaign's broker or registry) stops matching its
 * marker before the kernel closes its sockets, so a port open at one instant may be a process
 * still exiting, not a stranger's.
 */
export async function portStaysOpen(host: string, port: number, forMs: number): Promise<boolean> {
  const deadline = Date.now() + forMs;
  while (await portIsOpen(host, port)) {
    if (Date.now() >= deadline) return true;
    await sleep(250);
  }
  return false;
}

/** Number of brokers the cluster reports through the Kafka protocol, or an error. */
export async function describeBrokers(brokers: string[]): Promise<number> {
  const admin = new Kafka({
    clientId: "cdp-router-stack-probe",
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length;
  } finally {
    await admin.disconnect();
  }
}

/** True when the registry's Confluent-compatible API answers a listing of subjects. */
export async function registryAnswers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url.replace(/\/$/, "")}/subjects`, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}

/** Subjects the local stack registers to learn that the registry has replayed its kafkasql journal. */
export const REGISTRY_PROBE_PREFIX = "cdp-router.stack-probe";
const PROBE_SCHEMA = JSON.stringify({
  type: "record",
  name: "StackProbe",
  namespace: "io.cdprouter.stack",
  fields: [],
});

/**
 * True when the registry has replayed its kafkasql journal. It answers requests a moment before
 * that (measured: a subject registered before a restart came back 175 ms after /subjects first
 * answered), and a worker that registers its schemas in that moment can get ids that clash with
 * the journal's. A registration that is new is written through the journal and answered only once
 * the registry has read it back, so everything before it has been replayed by then. It must be
 * new: re-registering one fixed probe subject was answered from the part of the journal already
 * replayed (CI: the probe answered 200 a second before "KafkaSQL storage bootstrapped", and a
 * subject registered before the restart was not found yet). So every probe uses a subject of its
 * own (one small subject per stack start).
 */
export async function registryCaughtUp(url: string): Promise<boolean> {
  const subject = `${REGISTRY_PROBE_PREFIX}-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}-value`;
  try {
    const response = await fetch(`${url.replace(/\/$/, "")}/subjects/${subject}/versions`, {
      method: "POST",
      headers: { "content-type": "application/vnd.schemaregistry.v1+json" },
      body: JSON.stringify({ schema: PROBE_SCHEMA }),
      signal: AbortSignal.timeout(5_000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

export interface WaitOptions {
  readonly what: string;
  readonly timeoutMs: number;
  /** Called between attempts: a crashed process should fail fast, not after the timeout. */
  readonly stillStarting?: () => boolean;
  readonly logFile?: string;
}

export async function waitUntil(check: () => Promise<boolean>, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    if (options.stillStarting && !options.stillStarting()) {
      throw new Error(`${options.what} exited while starting${options.logFile ? `; see ${options.logFile}` : ""}`);
    }
    await sleep(250);
  }
  throw new Error(
    `${options.what} did not answer within ${options.timeoutMs / 1000} s${options.logFile ? `; see ${options.logFile}` : ""}`,
  );
}

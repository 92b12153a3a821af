import type { Admin, Producer } from "kafkajs";
import { afterAll, afterEach, beforeAll } from "vitest";
import { testKafka } from "./kafka.js";
import type { WorkerProcess } from "./worker-process.js";

/** What most integration files share: an admin and a producer, and the workers their tests start. */
export interface IntegrationHarness {
  readonly admin: Admin;
  readonly producer: Producer;
  /** Workers a test started: SIGKILLed after each test. */
  readonly workers: WorkerProcess[];
}

/**
 * Registers the file's hooks: the admin and an idempotent producer connect before its tests and
 * disconnect after them; the workers a test pushed are SIGKILLed (and awaited) after each test.
 */
export function integrationHarness(clientId: string): IntegrationHarness {
  const kafka = testKafka(clientId);
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    await admin.connect();
    await producer.connect();
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) {
      worker.child.kill("SIGKILL");
      await worker.exited;
    }
  });
  afterAll(async () => {
    await producer.disconnect();
    await admin.disconnect();
  });
  return { admin, producer, workers };
}

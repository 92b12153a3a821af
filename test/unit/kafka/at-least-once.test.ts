import { createRequire } from "node:module";
import type { Kafka } from "kafkajs";
import { describe, expect, it } from "vitest";
import { AtLeastOnceDelivery } from "../../../src/kafka/at-least-once.js";
import type { Delivery } from "../../../src/kafka/delivery.js";
import { withRetries } from "../../../src/kafka/start-up.js";
import type { Logger } from "../../../src/ops/logger.js";

// The at-least-once producer at start-up, with a fake Kafka whose first producer cannot register
// (kafkajs's initProducerId gives up at once on a broker that refuses the connection, one still
// listed while it restarts): start-up retries with a fresh producer instead of exiting.

const require = createRequire(import.meta.url);
const { KafkaJSConnectionError } = require("kafkajs/src/errors.js") as {
  KafkaJSConnectionError: new (message: string, options: { code: string }) => Error;
};

function fakeKafka(failingConnects: number) {
  const made: Array<{ connected: boolean; disconnected: boolean; sent: number }> = [];
  const kafka = {
    producer() {
      const state = { connected: false, disconnected: false, sent: 0 };
      made.push(state);
      const index = made.length;
      return {
        async connect() {
          if (index <= failingConnects)
            throw new KafkaJSConnectionError("Connection error: connect ECONNREFUSED 127.0.0.1:9192", {
              code: "ECONNREFUSED",
            });
          state.connected = true;
        },
        async disconnect() {
          state.disconnected = true;
        },
        async sendBatch() {
          state.sent++;
          return [];
        },
      };
    },
  };
  return { kafka: kafka as unknown as Kafka, made };
}

const silent = { warn() {}, info() {}, error() {}, debug() {} } as unknown as Logger;

describe("at-least-once delivery: start-up", () => {
  it("a producer that cannot register is retried with a fresh one, and the failed one is closed", async () => {
    const { kafka, made } = fakeKafka(2);
    const delivery: Delivery = new AtLeastOnceDelivery(kafka);
    await withRetries(
      "connecting the producer",
      () => delivery.start(),
      () => true,
      silent,
    );
    expect(made.map((p) => p.connected)).toEqual([false, false, true]);
    expect(made.map((p) => p.disconnected)).toEqual([true, true, false]);
    await delivery.send("raw", 0, new Map([["cdp.dest.customerio", [{ key: "k", value: null }]]]), "1");
    expect(made[2]?.sent).toBe(1);
  });

  it("a connection error is retried at start-up; a stop ends the retries with the error", async () => {
    const { kafka } = fakeKafka(Number.POSITIVE_INFINITY);
    const delivery = new AtLeastOnceDelivery(kafka);
    let running = true;
    let attempts = 0;
    const started = withRetries(
      "connecting the producer",
      () => {
        attempts++;
        if (attempts === 2) running = false;
        return delivery.start();
      },
      () => running,
      silent,
    );
    await expect(started).rejects.toThrow(/ECONNREFUSED/);
    expect(attempts).toBe(2);
  });
});

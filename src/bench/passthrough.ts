import { Kafka, logLevel, type Message, Partitioners } from "kafkajs";
import { loadWorkerConfig } from "../ops/worker-config.js";

/** Only the worker's defaults matter here; the addresses come from the command line. */
const LOCAL = { brokers: ["127.0.0.1:9092"], registryUrl: "http://127.0.0.1:8081" };

// The baseline for the worker benchmark: consume and re-produce the same bytes, no transform,
// with the worker's at-least-once discipline (idempotent producer, acks=-1, offsets resolved
// after the acknowledgement, the same chunk size, commit interval and partition concurrency).
// Usage: node dist/bench/passthrough.js BROKERS INPUT_TOPIC OUTPUT_TOPIC GROUP [FAN_OUT]
// With FAN_OUT (say 7.66), each message is re-produced to several topics OUTPUT_TOPIC.0,
// OUTPUT_TOPIC.1, ... so that FAN_OUT copies are written per message on average: the same number
// of records the worker writes, without the transform.

const [brokers = "127.0.0.1:9092", input = "", output = "", group = "", fanOutText = ""] = process.argv.slice(2);
const fanOut = fanOutText ? Number(fanOutText) : 0;
const kafka = new Kafka({ clientId: "cdp-router-passthrough", brokers: brokers.split(","), logLevel: logLevel.WARN });
const producer = kafka.producer({
  idempotent: true,
  maxInFlightRequests: 5,
  allowAutoTopicCreation: false,
  createPartitioner: Partitioners.DefaultPartitioner,
});
const consumer = kafka.consumer({ groupId: group, allowAutoTopicCreation: false, maxBytesPerPartition: 1024 * 1024 });

/** Message i goes to ceil(FAN_OUT) topics for the fractional share of messages, to floor(FAN_OUT) for the rest. */
function copies(index: number): number {
  const whole = Math.floor(fanOut);
  return (index % 100) / 100 < fanOut - whole ? whole + 1 : whole;
}

let seen = 0;
function topicMessages(chunk: Message[]): Array<{ topic: string; messages: Message[] }> {
  if (!fanOut) return [{ topic: output, messages: chunk }];
  const byTopic: Message[][] = Array.from({ length: Math.ceil(fanOut) }, () => []);
  for (const message of chunk) {
    const n = copies(seen++);
    for (let t = 0; t < n; t++) byTopic[t]?.push(message);
  }
  return byTopic.map((messages, t) => ({ topic: `${output}.${t}`, messages }));
}

await producer.connect();
await consumer.connect();
await consumer.subscribe({ topics: [input], fromBeginning: true });
await consumer.run({
  eachBatchAutoResolve: false,
  // No commit interval: kafkajs commits after every batch, so the benchmark sees the end of a run
  // that takes under a second at once (the worker's interval commits would blur it by up to an
  // interval). Those commits are awaited on the fetch path, so this is if anything slower.
  partitionsConsumedConcurrently: loadWorkerConfig(process.env, LOCAL).partitionsConcurrently,
  eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning }) => {
    for (let i = 0; i < batch.messages.length && isRunning(); i += 500) {
      const chunk = batch.messages.slice(i, i + 500);
      await producer.sendBatch({
        acks: -1,
        topicMessages: topicMessages(chunk.map((m) => ({ key: m.key, value: m.value }))),
      });
      const last = chunk[chunk.length - 1];
      if (last) resolveOffset(last.offset);
      await heartbeat();
    }
  },
});
process.once("SIGTERM", async () => {
  await consumer.disconnect();
  await producer.disconnect();
  process.exit(0);
});

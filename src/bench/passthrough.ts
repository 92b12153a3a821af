import { Kafka, logLevel, Partitioners } from "kafkajs";

// The baseline for the worker benchmark: consume and re-produce the same bytes, no transform,
// with the worker's at-least-once discipline (idempotent producer, acks=-1, offsets resolved
// after the acknowledgement, the same chunk size and commit interval).
// Usage: node dist/bench/passthrough.js BROKERS INPUT_TOPIC OUTPUT_TOPIC GROUP

const [brokers = "127.0.0.1:9092", input = "", output = "", group = ""] = process.argv.slice(2);
const kafka = new Kafka({ clientId: "cdp-router-passthrough", brokers: brokers.split(","), logLevel: logLevel.WARN });
const producer = kafka.producer({
  idempotent: true,
  maxInFlightRequests: 5,
  allowAutoTopicCreation: false,
  createPartitioner: Partitioners.DefaultPartitioner,
});
const consumer = kafka.consumer({ groupId: group, allowAutoTopicCreation: false, maxBytesPerPartition: 1024 * 1024 });
await producer.connect();
await consumer.connect();
await consumer.subscribe({ topics: [input], fromBeginning: true });
await consumer.run({
  eachBatchAutoResolve: false,
  autoCommitInterval: 200,
  eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning }) => {
    for (let i = 0; i < batch.messages.length && isRunning(); i += 500) {
      const chunk = batch.messages.slice(i, i + 500);
      await producer.send({ topic: output, acks: -1, messages: chunk.map((m) => ({ key: m.key, value: m.value })) });
      const last = chunk[chunk.length - 1];
      if (last) resolveOffset(last.offset);
      await heartbeat();
    }
    await commitOffsetsIfNecessary();
  },
});
process.once("SIGTERM", async () => {
  await consumer.disconnect();
  await producer.disconnect();
  process.exit(0);
});

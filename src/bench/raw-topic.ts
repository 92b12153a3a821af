import type { Admin, Kafka } from "kafkajs";
import { generateEvents } from "./event-generator.js";

/**
 * The benchmarks' raw topic `bench.raw.<count>` of generated events (seed 99), made once and kept
 * between runs so that every benchmark reads the same data. Returns its name and record count.
 */
export async function prepareRawTopic(
  kafka: Kafka,
  admin: Admin,
  count: number,
  partitions: number,
): Promise<{ topic: string; total: number }> {
  const topic = `bench.raw.${count}`;
  if (!(await admin.listTopics()).includes(topic)) {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
    const producer = kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
    await producer.connect();
    const events = generateEvents(count, 99);
    for (let i = 0; i < events.length; i += 1000) {
      await producer.send({ topic, acks: -1, messages: events.slice(i, i + 1000).map((e) => ({ value: e.bytes })) });
    }
    await producer.disconnect();
    console.error(`prepared ${count} events in ${topic}`);
  }
  const total = (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  return { topic, total };
}

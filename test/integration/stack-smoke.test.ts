import { SchemaRegistry, SchemaType } from "@kafkajs/confluent-schema-registry";
import type { Consumer, Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTopic, testKafka, uniqueTopic } from "../support/kafka.js";

// Proves the stack is a real broker and a real registry: every step crosses the network to them.

interface Received {
  key: string | undefined;
  value: Buffer;
  headers: Record<string, string>;
}

async function consumeOne(consumer: Consumer, topic: string): Promise<Received> {
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message on ${topic} within 30 s`)), 30_000);
    consumer
      .run({
        eachMessage: async ({ message }) => {
          clearTimeout(timer);
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
          resolve({ key: message.key?.toString("utf8"), value: message.value ?? Buffer.alloc(0), headers });
        },
      })
      .catch(reject);
  });
}

describe("the local stack is real", () => {
  const kafka = testKafka("stack-smoke");
  const admin = kafka.admin();
  let producer: Producer;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    await admin.connect();
    producer = kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
    await producer.connect();
  });

  afterAll(async () => {
    await Promise.all(consumers.map((consumer) => consumer.disconnect()));
    await producer?.disconnect();
    await admin.disconnect();
  });

  function newConsumer(): Consumer {
    const consumer = kafka.consumer({ groupId: uniqueTopic("group"), allowAutoTopicCreation: false });
    consumers.push(consumer);
    return consumer;
  }

  it("kafkajs creates a topic, produces a message and consumes it back", async () => {
    const topic = uniqueTopic("smoke");
    await createTopic(admin, topic, 3);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(3);

    const [ack] = await producer.send({
      topic,
      acks: -1,
      messages: [{ key: "1:acme", value: '{"type":"group"}', headers: { "x-origin": "smoke" } }],
    });
    expect(ack?.errorCode).toBe(0);

    const consumer = newConsumer();
    await consumer.connect();
    const received = await consumeOne(consumer, topic);
    expect(received).toEqual({
      key: "1:acme",
      value: Buffer.from('{"type":"group"}'),
      headers: { "x-origin": "smoke" },
    });
  });

  it("the registry registers an Avro schema under <topic>-value and decodes by the id on the wire", async () => {
    const registryUrl = inject("schemaRegistryUrl");
    const topic = uniqueTopic("avro");
    const subject = `${topic}-value`;
    const schema = {
      type: "record",
      name: "SmokeRecord",
      namespace: "io.cdprouter.test",
      fields: [
        { name: "object_id", type: "string" },
        { name: "employees", type: ["null", "long"], default: null },
      ],
    };
    const writer = new SchemaRegistry({ host: registryUrl });
    const { id } = await writer.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject });

    // The registry itself, over HTTP, knows the subject and the id.
    const subjects = (await (await fetch(`${registryUrl}/subjects`)).json()) as string[];
    expect(subjects).toContain(subject);
    const byId = (await (await fetch(`${registryUrl}/schemas/ids/${id}`)).json()) as { schema: string };
    expect(JSON.parse(byId.schema)).toMatchObject({ name: "SmokeRecord" });

    const record = { object_id: "0e8c78ea", employees: 329 };
    const encoded = await writer.encode(id, record);
    // Confluent wire format: magic byte 0, then the schema id as a 4-byte big-endian integer.
    expect(encoded[0]).toBe(0);
    expect(encoded.readInt32BE(1)).toBe(id);

    await createTopic(admin, topic);
    await producer.send({ topic, acks: -1, messages: [{ key: "1:0e8c78ea", value: encoded }] });
    const consumer = newConsumer();
    await consumer.connect();
    const received = await consumeOne(consumer, topic);

    // A fresh client has no cache: it must fetch the writer schema by the id it reads on the wire.
    const reader = new SchemaRegistry({ host: registryUrl });
    expect(received.value.readInt32BE(1)).toBe(id);
    expect(await reader.decode(received.value)).toEqual(record);
  });
});

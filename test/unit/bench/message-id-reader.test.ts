import { describe, expect, it } from "vitest";
import { RecordEncoder } from "../../../src/avro/encoder.js";
import { loadTopicSchemas } from "../../../src/avro/schemas.js";
import { generateEvents } from "../../../src/bench/event-generator.js";
import { messageIdReader } from "../../../src/bench/message-id-reader.js";
import { pipeline } from "../../support/events.js";

const schemas = loadTopicSchemas();
const encoder = RecordEncoder.fromIds(
  schemas,
  new Map([...schemas.values()].map((schema, index) => [schema.subject, 100 + index])),
);

/** Every destination record the generated events become, in the wire format, by topic. */
function encodedRecords(): Map<string, Buffer[]> {
  const target = pipeline();
  const byTopic = new Map<string, Buffer[]>();
  for (const [index, event] of generateEvents(300, 11).entries()) {
    const result = target.process({
      bytes: event.bytes,
      timestamp: 1_767_225_600_000,
      provenance: { topic: "cdp.raw.group", partition: 0, offset: String(index) },
    });
    for (const record of result.routed) {
      if (record.value === null) continue;
      const list = byTopic.get(record.topic) ?? [];
      list.push(encoder.encode(record.topic, record.value));
      byTopic.set(record.topic, list);
    }
  }
  return byTopic;
}

const byTopic = encodedRecords();

describe("the latency benchmark reads only message_id", () => {
  it("reads the same message_id as a full decode, for every destination topic", () => {
    expect(byTopic.size).toBeGreaterThanOrEqual(6);
    for (const [topic, buffers] of byTopic) {
      const schema = schemas.get(topic);
      if (!schema) throw new Error(`no schema for ${topic}`);
      const read = messageIdReader(schema);
      for (const buffer of buffers) {
        const full = schema.type.decode(buffer, 5).value as { message_id: unknown };
        expect(read(buffer)).toBe(full.message_id);
      }
    }
  });

  it("reads a null message_id as null", () => {
    const schema = schemas.get("cdp.dest.customerio");
    if (!schema) throw new Error("no Customer.io schema");
    const [buffer] = byTopic.get("cdp.dest.customerio") ?? [];
    if (!buffer) throw new Error("no Customer.io record");
    const value = { ...(schema.type.decode(buffer, 5).value as Record<string, unknown>), message_id: null };
    expect(messageIdReader(schema)(encoder.encode("cdp.dest.customerio", value))).toBeNull();
  });

  it("refuses a schema without message_id", () => {
    const dlq = schemas.get("cdp.dlq");
    if (!dlq) throw new Error("no dead-letter schema");
    expect(() => messageIdReader(dlq)).toThrow(/no message_id field/);
  });
});

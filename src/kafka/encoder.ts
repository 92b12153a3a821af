import { registerSchemas } from "../avro/schema-management.js";
import type { TopicSchema } from "../avro/schemas.js";
import type { RegistryAdmin } from "./schema-registry.js";

/**
 * Avro in the Confluent wire format (magic byte 0, the schema id as a 4-byte big-endian integer,
 * the Avro body) with ids obtained once at start-up: no registry round trip per record, and a
 * registry outage after start-up does not stop the worker.
 */
export class RecordEncoder {
  private constructor(private readonly byTopic: ReadonlyMap<string, { id: number; schema: TopicSchema }>) {}

  /** Registers (idempotently) every schema and keeps the ids. */
  static async create(admin: RegistryAdmin, schemas: ReadonlyMap<string, TopicSchema>): Promise<RecordEncoder> {
    const results = await registerSchemas(admin, schemas.values());
    const byTopic = new Map<string, { id: number; schema: TopicSchema }>();
    for (const result of results) {
      const schema = [...schemas.values()].find((s) => s.subject === result.subject);
      if (schema) byTopic.set(schema.topic, { id: result.id, schema });
    }
    return new RecordEncoder(byTopic);
  }

  /** Throws when the value does not fit the topic's schema: the caller dead-letters that record. */
  encode(topic: string, value: unknown): Buffer {
    const entry = this.byTopic.get(topic);
    if (!entry) throw new Error(`no schema for topic ${topic}`);
    const header = Buffer.alloc(5);
    header.writeUInt8(0, 0);
    header.writeInt32BE(entry.id, 1);
    return Buffer.concat([header, entry.schema.type.toBuffer(value)]);
  }
}

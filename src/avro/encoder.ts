import { registerSchemas } from "./schema-management.js";
import type { RegistryAdmin } from "./schema-registry.js";
import type { TopicSchema } from "./schemas.js";

/** The Confluent wire-format header: magic byte 0 and the 4-byte schema id. */
const HEADER_BYTES = 5;

/**
 * Avro in the Confluent wire format (magic byte 0, the schema id as a 4-byte big-endian integer,
 * the Avro body) with ids obtained once at start-up: no registry round trip per record, and a
 * registry outage after start-up does not stop the worker.
 */
export class RecordEncoder {
  private scratch = Buffer.allocUnsafe(64 * 1024);

  private constructor(private readonly byTopic: ReadonlyMap<string, { id: number; schema: TopicSchema }>) {}

  /** Registers (idempotently) every schema and keeps the ids. */
  static async create(admin: RegistryAdmin, schemas: ReadonlyMap<string, TopicSchema>): Promise<RecordEncoder> {
    const results = await registerSchemas(admin, schemas.values());
    return RecordEncoder.fromIds(schemas, new Map(results.map((r) => [r.subject, r.id])));
  }

  /** An encoder for schemas already registered, from their ids by subject. */
  static fromIds(schemas: ReadonlyMap<string, TopicSchema>, idsBySubject: ReadonlyMap<string, number>): RecordEncoder {
    const byTopic = new Map<string, { id: number; schema: TopicSchema }>();
    for (const schema of schemas.values()) {
      const id = idsBySubject.get(schema.subject);
      if (id !== undefined) byTopic.set(schema.topic, { id, schema });
    }
    return new RecordEncoder(byTopic);
  }

  /** The schema ids by subject, to build the same encoder elsewhere (the transform thread). */
  schemaIds(): Array<[string, number]> {
    return [...this.byTopic.values()].map(({ id, schema }) => [schema.subject, id]);
  }

  /**
   * Throws when the value does not fit the topic's schema: the caller dead-letters that record.
   * The body is written into a reusable scratch buffer behind the 5-byte header and copied once
   * into a pooled buffer: avsc's toBuffer plus a header and a concat cost three allocations per
   * record, and encoded a record over 1 KiB twice.
   */
  encode(topic: string, value: unknown): Buffer {
    const entry = this.byTopic.get(topic);
    if (!entry) throw new Error(`no schema for topic ${topic}`);
    let end = entry.schema.type.encode(value, this.scratch, HEADER_BYTES);
    if (end < 0) {
      // Too small by -end bytes: grow once to fit, with room to spare for the records after it.
      this.scratch = Buffer.allocUnsafe(Math.max(this.scratch.length * 2, this.scratch.length - end));
      end = entry.schema.type.encode(value, this.scratch, HEADER_BYTES);
    }
    this.scratch.writeUInt8(0, 0);
    this.scratch.writeInt32BE(entry.id, 1);
    const record = Buffer.allocUnsafe(end);
    this.scratch.copy(record, 0, 0, end);
    return record;
  }
}

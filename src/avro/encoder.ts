import { RecordArena } from "./record-arena.js";
import { compileRecordWriter, type RecordWriter } from "./record-writer.js";
import { registerSchemas } from "./schema-management.js";
import type { RegistryAdmin } from "./schema-registry.js";
import type { TopicSchema } from "./schemas.js";

/** The Confluent wire-format header: magic byte 0 and the 4-byte schema id. */
export const HEADER_BYTES = 5;

interface TopicEntry {
  readonly id: number;
  readonly schema: TopicSchema;
  /** The schema's compiled writer, where it compiles (record-writer.ts); avsc writes the rest. */
  readonly writer: RecordWriter | undefined;
}

/**
 * Avro in the Confluent wire format (magic byte 0, the schema id as a 4-byte big-endian integer,
 * the Avro body) with ids obtained once at start-up: no registry round trip per record, and a
 * registry outage after start-up does not stop the worker.
 */
export class RecordEncoder {
  private constructor(private readonly byTopic: ReadonlyMap<string, TopicEntry>) {}

  /** Registers (idempotently) every schema and keeps the ids. */
  static async create(admin: RegistryAdmin, schemas: ReadonlyMap<string, TopicSchema>): Promise<RecordEncoder> {
    const results = await registerSchemas(admin, schemas.values());
    return RecordEncoder.fromIds(schemas, new Map(results.map((r) => [r.subject, r.id])));
  }

  /** An encoder for schemas already registered, from their ids by subject. */
  static fromIds(schemas: ReadonlyMap<string, TopicSchema>, idsBySubject: ReadonlyMap<string, number>): RecordEncoder {
    const byTopic = new Map<string, TopicEntry>();
    for (const schema of schemas.values()) {
      const id = idsBySubject.get(schema.subject);
      if (id !== undefined) byTopic.set(schema.topic, { id, schema, writer: compileRecordWriter(schema.type) });
    }
    return new RecordEncoder(byTopic);
  }

  /** The schema ids by subject, to build the same encoder elsewhere (the transform thread). */
  schemaIds(): Array<[string, number]> {
    return [...this.byTopic.values()].map(({ id, schema }) => [schema.subject, id]);
  }

  /** Reused by `encode`: one copy per record instead of an arena (a buffer of its own) per record. */
  private readonly scratch = new RecordArena(64 * 1024);

  /** Throws when the value does not fit the topic's schema (see encodeInto); the record in a buffer of its own. */
  encode(topic: string, value: unknown): Buffer {
    this.scratch.clear();
    return Buffer.from(this.encodeInto(this.scratch, topic, value));
  }

  /**
   * Writes the record (header and Avro body) at the end of `arena` and returns it, a view of the
   * arena's buffer. Throws when the value does not fit the topic's schema, leaving the arena as it
   * was: the caller dead-letters that record.
   */
  encodeInto(arena: RecordArena, topic: string, value: unknown): Buffer {
    const entry = this.byTopic.get(topic);
    if (!entry) throw new Error(`no schema for topic ${topic}`);
    const start = arena.size;
    arena.reserve(HEADER_BYTES);
    let end = writeBody(entry, value, arena.buffer, start + HEADER_BYTES);
    if (end > arena.buffer.length) {
      // Short of room: grow once to fit.
      arena.reserve(end - start);
      end = writeBody(entry, value, arena.buffer, start + HEADER_BYTES);
    }
    const buffer = arena.buffer;
    buffer.writeUInt8(0, start);
    buffer.writeInt32BE(entry.id, start + 1);
    return arena.commit(end);
  }
}

/**
 * Writes the Avro body at `position` and returns where it ends, beyond `buffer.length` when it did
 * not fit (what fits is written). A value the compiled writer refuses goes to avsc, which writes
 * it or throws its own error: the compiled writer only ever saves time.
 */
function writeBody(entry: TopicEntry, value: unknown, buffer: Buffer, position: number): number {
  if (entry.writer !== undefined) {
    try {
      return entry.writer(buffer, position, value);
    } catch {
      // avsc's verdict below.
    }
  }
  const end = entry.schema.type.encode(value, buffer, position);
  // avsc answers a shortfall as a negative count of missing bytes.
  return end < 0 ? buffer.length - end : end;
}

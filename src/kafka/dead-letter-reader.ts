import type avro from "avsc";
import { HEADER_BYTES } from "../avro/encoder.js";
import type { RegistryAdmin } from "../avro/schema-registry.js";
import { avroType, loadTopicSchemas } from "../avro/schemas.js";
import { DEAD_LETTER_TOPIC } from "../core/topics.js";
import type { DeadLetterValue } from "./dead-letters.js";

/** avsc's resolver type, which its typings declare but do not export. */
type Resolver = ReturnType<avro.Type["createResolver"]>;

const MAGIC = 0;

/**
 * Reads `cdp.dlq` records whichever version of its schema wrote them: the writer schema is
 * fetched once per id from the registry and resolved to the current one (a dead letter written
 * before `attempt` existed reads as attempt 1).
 */
export class DeadLetterReader {
  private readonly reader: avro.Type;
  private readonly resolvers = new Map<number, Promise<Resolver | undefined>>();

  constructor(private readonly registry: RegistryAdmin) {
    const schema = loadTopicSchemas().get(DEAD_LETTER_TOPIC);
    if (!schema) throw new Error(`no schema for ${DEAD_LETTER_TOPIC}`);
    this.reader = schema.type;
  }

  /** The dead letter, or an error saying why these bytes are not one. */
  async read(bytes: Buffer | null): Promise<DeadLetterValue | Error> {
    if (bytes === null || bytes.length < HEADER_BYTES || bytes[0] !== MAGIC) {
      return new Error("not a Confluent-framed Avro record");
    }
    const id = bytes.readInt32BE(1);
    let resolver = this.resolvers.get(id);
    if (!resolver) {
      resolver = this.registry
        .schemaById(id)
        .then((text) => (text === undefined ? undefined : this.reader.createResolver(avroType(JSON.parse(text)))));
      this.resolvers.set(id, resolver);
    }
    try {
      const resolved = await resolver;
      if (!resolved) return new Error(`schema id ${id} is not in the registry`);
      return this.reader.fromBuffer(bytes.subarray(HEADER_BYTES), resolved) as DeadLetterValue;
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }
}

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import avro from "avsc";
import { LOGICAL_TYPES } from "./json-type.js";

/** The schemas/ folder shipped with the package: one `<topic>.avsc` per topic. */
export const SCHEMAS_DIR = fileURLToPath(new URL("../../schemas/", import.meta.url));

export interface TopicSchema {
  readonly topic: string;
  /** The subject it is registered under (TopicNameStrategy). */
  readonly subject: string;
  /** The schema as written in the file. */
  readonly schema: avro.Schema;
  readonly text: string;
  /** avsc's type, with the `json` logical type, for local encoding and decoding. */
  readonly type: avro.Type;
}

export function avroType(schema: avro.Schema): avro.Type {
  return avro.Type.forSchema(schema, { logicalTypes: LOGICAL_TYPES });
}

export function loadTopicSchemas(dir: string = SCHEMAS_DIR): Map<string, TopicSchema> {
  const schemas = new Map<string, TopicSchema>();
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith(".avsc"))
    .sort()) {
    const topic = file.slice(0, -".avsc".length);
    const text = readFileSync(join(dir, file), "utf8");
    const schema = JSON.parse(text) as avro.Schema;
    schemas.set(topic, { topic, subject: `${topic}-value`, schema, text, type: avroType(schema) });
  }
  return schemas;
}

/**
 * The schemas the worker writes with. Under an output prefix (a replay's shadow topics) each is
 * registered under the shadow topic's subject, `<prefix><topic>-value`, so the shadow topics carry
 * the same schemas under their own names; records are still looked up by their destination topic.
 */
export function outputSchemas(prefix: string, dir: string = SCHEMAS_DIR): Map<string, TopicSchema> {
  const schemas = loadTopicSchemas(dir);
  if (prefix === "") return schemas;
  return new Map([...schemas].map(([topic, schema]) => [topic, { ...schema, subject: `${prefix}${topic}-value` }]));
}

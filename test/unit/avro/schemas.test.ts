import type avro from "avsc";
import { describe, expect, it } from "vitest";
import { loadTopicSchemas } from "../../../src/avro/schemas.js";
import { DEAD_LETTER_TOPIC } from "../../../src/core/topics.js";
import { DESTINATION_TOPICS, DESTINATIONS } from "../../../src/destinations/index.js";

const schemas = loadTopicSchemas();

interface Field {
  name: string;
  type: avro.Schema;
  doc?: string;
}

/** Every field of a schema, nested records included, with its path. */
function fields(schema: avro.Schema, path = ""): Array<[string, Field]> {
  if (typeof schema !== "object" || schema === null) return [];
  if (Array.isArray(schema)) return schema.flatMap((branch) => fields(branch, path));
  const node = schema as { type?: unknown; fields?: Field[]; items?: avro.Schema; values?: avro.Schema };
  if (node.type === "record" && node.fields) {
    return node.fields.flatMap((field) => [
      [`${path}${field.name}`, field] as [string, Field],
      ...fields(field.type, `${path}${field.name}.`),
    ]);
  }
  if (node.type === "array" && node.items) return fields(node.items, path);
  if (node.type === "map" && node.values) return fields(node.values, path);
  if (typeof node.type === "object") return fields(node.type as avro.Schema, path);
  return [];
}

describe("Avro schemas: one per topic, in schemas/", () => {
  it("exist for every destination topic and the dead-letter topic, and for nothing else", () => {
    expect([...schemas.keys()].sort()).toEqual([...DESTINATION_TOPICS, DEAD_LETTER_TOPIC].sort());
    const destinationTopics = DESTINATIONS.flatMap((destination) => destination.topics).sort();
    expect(destinationTopics).toEqual([...DESTINATION_TOPICS].sort());
  });

  it("are registered under <topic>-value", () => {
    for (const [topic, schema] of schemas) expect(schema.subject).toBe(`${topic}-value`);
  });

  it("document every field", () => {
    for (const [topic, { schema }] of schemas) {
      for (const [path, field] of fields(schema)) expect(field.doc, `${topic}: ${path}`).toMatch(/\S/);
    }
  });

  it("give every optional field a null default, null first (a union's default must match its first branch)", () => {
    for (const [topic, { schema }] of schemas) {
      for (const [path, field] of fields(schema)) {
        if (Array.isArray(field.type)) {
          expect(field.type[0], `${topic}: ${path}`).toBe("null");
          expect((field as { default?: unknown }).default, `${topic}: ${path}`).toBeNull();
        }
      }
    }
  });

  it("share one definition of the envelope fields across destination topics", () => {
    const envelope = (topic: string) =>
      fields(schemas.get(topic)?.schema ?? "null").filter(([path]) =>
        ["message_id", "event_time", "received_at", "source_topic", "source_partition", "source_offset"].includes(path),
      );
    const reference = JSON.stringify(envelope("cdp.dest.customerio"));
    expect(envelope("cdp.dest.customerio")).toHaveLength(6);
    for (const topic of DESTINATION_TOPICS) expect(JSON.stringify(envelope(topic)), topic).toBe(reference);
  });
});

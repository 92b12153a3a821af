import { SchemaRegistry } from "@kafkajs/confluent-schema-registry";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { LOGICAL_TYPES } from "../../src/avro/json-type.js";
import { registerSchemas } from "../../src/avro/schema-management.js";
import { RegistryAdmin } from "../../src/avro/schema-registry.js";
import { loadTopicSchemas } from "../../src/avro/schemas.js";
import { generateEvents } from "../../src/bench/event-generator.js";
import type { RoutedRecord } from "../../src/core/outcome.js";
import { pipeline, run } from "../support/events.js";
import { sortedKeys, specExamplePayloads } from "../support/fixtures.js";
import { decodeWithFastavro } from "../support/python-reader.js";

// A schema only avsc can read is a bug: every destination's records are encoded through the
// registry by the encoder the worker uses (@kafkajs/confluent-schema-registry on avsc) and
// decoded by fastavro in Python, which fetches the writer schema by the id on the wire.

function sampleRecords(): RoutedRecord[] {
  const shared = pipeline();
  const records: RoutedRecord[] = [];
  for (const payload of specExamplePayloads()) records.push(...run(payload, shared).routed);
  for (const event of generateEvents(400, 11)) records.push(...run(event.bytes, shared).routed);
  return records.filter((record) => record.value !== null);
}

describe("an independent reader (Python fastavro) reads every destination topic", () => {
  const records = sampleRecords();
  const encoded: Buffer[] = [];
  let deadLetter: Buffer | undefined;
  const deadLetterValue = {
    original_key: Buffer.from("1:acme"),
    original_value: Buffer.from([0x7b, 0xff, 0x7d]),
    headers: [
      { key: "traceparent", value: Buffer.from("00-abc-01") },
      { key: "empty", value: null },
    ],
    source_topic: "cdp.raw.group",
    source_partition: 2,
    source_offset: 9007199254740990,
    source_timestamp: 1767225600000,
    code: "invalid_encoding",
    message: "event is not valid UTF-8",
    stage: "parse",
    destination: null,
    failed_at: 1767225601000,
    worker_id: "worker-1",
    attempt: 2,
    previous_code: "malformed_json",
  };

  beforeAll(async () => {
    const url = inject("schemaRegistryUrl");
    const schemas = loadTopicSchemas();
    await registerSchemas(new RegistryAdmin(url), schemas.values());
    const writer = new SchemaRegistry({ host: url }, { forSchemaOptions: { logicalTypes: LOGICAL_TYPES } });
    const ids = new Map<string, number>();
    for (const schema of schemas.values()) ids.set(schema.topic, await writer.getLatestSchemaId(schema.subject));
    for (const record of records) encoded.push(await writer.encode(ids.get(record.topic) ?? -1, record.value));
    deadLetter = await writer.encode(ids.get("cdp.dlq") ?? -1, deadLetterValue);
  }, 120_000);

  it("covers every destination topic", () => {
    expect(new Set(records.map((r) => r.topic)).size).toBe(7);
  });

  it("decodes each record to exactly the JSON view that transform shows", async () => {
    const decoded = await decodeWithFastavro(inject("schemaRegistryUrl"), encoded);
    expect(decoded).toHaveLength(records.length);
    records.forEach((record, i) => {
      expect(sortedKeys(decoded[i]?.value), `${record.topic} ${record.key}`).toEqual(
        sortedKeys(JSON.parse(JSON.stringify(record.value))),
      );
    });
  }, 120_000);

  it("reads a dead letter: bytes, headers and the largest offset avsc can write (2^53-2)", async () => {
    const [decoded] = await decodeWithFastavro(inject("schemaRegistryUrl"), deadLetter ? [deadLetter] : []);
    expect(decoded?.value).toEqual({
      ...deadLetterValue,
      original_key: Buffer.from("1:acme").toString("hex"),
      original_value: "7bff7d",
      headers: [
        { key: "traceparent", value: Buffer.from("00-abc-01").toString("hex") },
        { key: "empty", value: null },
      ],
    });
  });
});

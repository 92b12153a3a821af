import { describe, expect, it } from "vitest";
import { RecordEncoder } from "../../../src/avro/encoder.js";
import { loadTopicSchemas } from "../../../src/avro/schemas.js";
import { DEAD_LETTER_TOPIC } from "../../../src/core/topics.js";
import { DESTINATIONS } from "../../../src/destinations/index.js";
import { chunkOutputs } from "../../../src/kafka/outputs.js";
import { createPipeline } from "../../../src/pipeline/pipeline.js";
import { config } from "../../support/events.js";

const schemas = loadTopicSchemas();
const encoder = RecordEncoder.fromIds(schemas, new Map([...schemas.values()].map((s, i) => [s.subject, 100 + i])));

describe("chunk outputs: a pipeline that throws", () => {
  it("dead-letters the record as internal_error from stage pipeline, with its bytes, and goes on to the next", () => {
    const real = createPipeline(config(), DESTINATIONS);
    const throwing = {
      ...real,
      process: (input: Parameters<typeof real.process>[0]) => {
        if (input.provenance.offset === "7") throw new Error("boom");
        return real.process(input);
      },
    };
    const group = Buffer.from(JSON.stringify({ type: "group", groupId: "acme", traits: {}, messageId: "m-8" }));
    const outputs = chunkOutputs(
      "cdp.raw.group",
      2,
      [
        { key: Buffer.from("k"), value: Buffer.from("{}"), offset: "7", timestamp: "1000", headers: { h: "v" } },
        { key: null, value: group, offset: "8", timestamp: "1001" },
      ],
      { pipeline: throwing, encoder, workerId: "w-1", maxRecordBytes: 1_048_000 },
      5000,
    );
    const [letter, ...others] = outputs.byTopic.get(DEAD_LETTER_TOPIC) ?? [];
    expect(others).toEqual([]);
    const bytes = letter?.value;
    if (!Buffer.isBuffer(bytes)) throw new Error("no dead letter");
    const value = schemas.get(DEAD_LETTER_TOPIC)?.type.fromBuffer(bytes.subarray(5));
    expect(value).toMatchObject({
      code: "internal_error",
      stage: "pipeline",
      message: "pipeline error: boom",
      source_topic: "cdp.raw.group",
      source_partition: 2,
      source_offset: 7,
      original_value: Buffer.from("{}"),
      headers: [{ key: "h", value: Buffer.from("v") }],
    });
    expect(outputs.summary.consumed).toBe(2);
    expect(outputs.summary.routed.customerio).toBe(1);
  });
});

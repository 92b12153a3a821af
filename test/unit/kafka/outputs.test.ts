import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RecordEncoder } from "../../../src/avro/encoder.js";
import { ArenaSizer } from "../../../src/avro/record-arena.js";
import { loadTopicSchemas } from "../../../src/avro/schemas.js";
import { generateEvents } from "../../../src/bench/event-generator.js";
import { DEAD_LETTER_TOPIC } from "../../../src/core/topics.js";
import { DESTINATIONS } from "../../../src/destinations/index.js";
import { type ChunkOutputs, chunkOutputs, joinChunkOutputs } from "../../../src/kafka/outputs.js";
import type { RawMessage } from "../../../src/kafka/raw-message.js";
import { createPipeline } from "../../../src/pipeline/pipeline.js";
import { DEAD_LETTER_FAILURE, deadLettersFailOnce } from "../../support/encoders.js";
import { config } from "../../support/events.js";

const schemas = loadTopicSchemas();
const encoder = RecordEncoder.fromIds(schemas, new Map([...schemas.values()].map((s, i) => [s.subject, 100 + i])));
/** A fresh pipeline (an empty dedupe window) and the test encoder. */
const tools = () => ({
  pipeline: createPipeline(config(), DESTINATIONS),
  encoder,
  workerId: "w-1",
  maxRecordBytes: 1_048_000,
  arenas: new ArenaSizer(),
});

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
      { pipeline: throwing, encoder, workerId: "w-1", maxRecordBytes: 1_048_000, arenas: new ArenaSizer() },
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

describe("chunk outputs: raw keys and the objects they should name", () => {
  const group = (groupId: string, messageId: string) =>
    Buffer.from(JSON.stringify({ type: "group", userId: "u", groupId, traits: {}, messageId }));

  it("counts records about an object whose key is not that object's id (missing, or another object's)", () => {
    const outputs = chunkOutputs(
      "cdp.raw.group",
      0,
      [
        { key: Buffer.from("acme"), value: group("acme", "m-1"), offset: "1", timestamp: "1" },
        { key: null, value: group("acme", "m-2"), offset: "2", timestamp: "1" },
        { key: Buffer.from("globex"), value: group("acme", "m-3"), offset: "3", timestamp: "1" },
        // Not about an object the pipeline could read: nothing to compare.
        { key: null, value: Buffer.from("{not json"), offset: "4", timestamp: "1" },
      ],
      tools(),
      0,
    );
    expect(outputs.summary.keyMismatches).toBe(2);
    expect(outputs.summary.outcomes).toEqual({ routed: 3, skipped: 0, dead_letter: 1 });
  });

  it("semantic events are keyed by properties.objectId", () => {
    const event = {
      type: "track",
      event: "Delete Object",
      userId: "u",
      messageId: "m-9",
      properties: { objectId: "acme", objectTypeId: "1" },
    };
    const outputs = chunkOutputs(
      "cdp.raw.track",
      0,
      [{ key: Buffer.from("acme"), value: Buffer.from(JSON.stringify(event)), offset: "1", timestamp: "1" }],
      tools(),
      0,
    );
    expect(outputs.summary.outcomes.routed).toBe(1);
    expect(outputs.summary.keyMismatches).toBe(0);
  });
});

describe("chunk outputs: a chunk transformed in parts", () => {
  // Repeated events among them (every 10th is the one before again): the dedupe window must see
  // the parts as one chunk, in order.
  const messages: RawMessage[] = generateEvents(240, 11).map((event, i, all) => ({
    key: i % 4 === 0 ? null : Buffer.from(`key-${i}`),
    value: i % 10 === 9 ? (all[i - 1]?.bytes ?? event.bytes) : event.bytes,
    offset: String(500 + i),
    timestamp: String(1_767_225_600_000 + i),
  }));
  const plain = (outputs: ChunkOutputs) => ({
    byTopic: [...outputs.byTopic].map(([topic, list]) => [
      topic,
      list.map((m) => [Buffer.from(m.key ?? "").toString("hex"), m.value?.toString("hex") ?? null]),
    ]),
    summary: outputs.summary,
    remembered: outputs.remembered,
  });

  it("joined, consecutive parts give what one transform of the whole chunk gives", () => {
    const whole = plain(chunkOutputs("cdp.raw.group", 1, messages, tools(), 5000));
    expect(whole.summary.skipped.duplicate ?? 0).toBeGreaterThan(0);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: messages.length - 1 }), { maxLength: 6 }), (cuts) => {
        const bounds = [0, ...cuts.sort((a, b) => a - b), messages.length];
        const shared = tools();
        const parts = bounds
          .slice(1)
          .map((end, i) => chunkOutputs("cdp.raw.group", 1, messages.slice(bounds[i], end), shared, 5000));
        expect(plain(joinChunkOutputs(parts))).toEqual(whole);
      }),
      { numRuns: 25 },
    );
  });

  it("a chunk that fails part-way forgets the deliveries it remembered: its events come back as new, not as duplicates", () => {
    const groups = generateEvents(100, 8).filter((event) => event.kind === "group");
    const chunk: RawMessage[] = [...groups.slice(0, 20).map((event) => event.bytes), Buffer.from("{")].map(
      (value, i) => ({ key: null, value, offset: String(i), timestamp: "0" }),
    );
    const shared = { ...tools(), encoder: deadLettersFailOnce(encoder) };
    expect(() => chunkOutputs("cdp.raw.group", 0, chunk, shared, 0)).toThrow(DEAD_LETTER_FAILURE);
    const again = chunkOutputs("cdp.raw.group", 0, chunk, shared, 0);
    expect(again.summary.skipped.duplicate ?? 0).toBe(0);
    expect(again.summary.outcomes).toEqual({ routed: 20, skipped: 0, dead_letter: 1 });
  });
});

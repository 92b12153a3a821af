import { eachWarningCode, type RecordResult } from "../../src/core/outcome.js";
import { DESTINATIONS } from "../../src/destinations/index.js";
import type { JsonObject } from "../../src/events/json.js";
import { type PipelineConfig, parsePipelineConfig } from "../../src/pipeline/config.js";
import { createPipeline, type Pipeline } from "../../src/pipeline/pipeline.js";

/** The Kafka record timestamp the tests assume: 2026-01-01T00:00:00Z. */
export const RECORD_TIME = Date.UTC(2026, 0, 1);

export function config(overrides: unknown = {}): PipelineConfig {
  return parsePipelineConfig(overrides, DESTINATIONS);
}

export function pipeline(overrides: unknown = {}): Pipeline {
  return createPipeline(config(overrides), DESTINATIONS);
}

let offset = 0;

/** Runs one payload (an object, or raw text/bytes) through a pipeline. */
export function run(payload: JsonObject | string | Uint8Array, target: Pipeline = pipeline()): RecordResult {
  const bytes =
    payload instanceof Uint8Array
      ? payload
      : Buffer.from(typeof payload === "string" ? payload : JSON.stringify(payload));
  return target.process({
    bytes,
    timestamp: RECORD_TIME,
    provenance: { topic: "cdp.raw.group", partition: 0, offset: String(offset++) },
  });
}

export function group(fields: JsonObject = {}): JsonObject {
  return { type: "group", userId: "user-1", groupId: "acme", ...fields };
}

export function track(fields: JsonObject = {}): JsonObject {
  return { type: "track", userId: "user-1", ...fields };
}

/** The values of every record a destination received, in order. */
export function valuesFor(result: RecordResult, destination: string): Array<JsonObject | null> {
  return result.routed.filter((r) => r.destination === destination).map((r) => r.value);
}

/** The single Customer.io record value of a routed result. */
export function customerioValue(result: RecordResult): JsonObject {
  const record = result.routed.find((r) => r.destination === "customerio");
  if (!record?.value) throw new Error(`not routed to customerio: ${JSON.stringify(result)}`);
  return record.value;
}

/** Every warning code of a result: the event's own and each destination record's. */
export function warningCodes(result: RecordResult): string[] {
  const codes: string[] = [];
  eachWarningCode(result, (code) => codes.push(code));
  return codes;
}

/** The warning codes one destination's records carry, beside the event's own. */
export function warningCodesFor(result: RecordResult, destination: string): string[] {
  const own = result.routed.filter((r) => r.destination === destination).flatMap((r) => r.warnings ?? []);
  return [...result.warnings, ...own].map((warning) => warning.code);
}

export function deadLetterCode(result: RecordResult): string | undefined {
  return result.deadLetters[0]?.code;
}

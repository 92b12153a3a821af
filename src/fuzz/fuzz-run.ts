import { performance } from "node:perf_hooks";
import { RecordEncoder } from "../avro/encoder.js";
import { ArenaSizer } from "../avro/record-arena.js";
import { loadTopicSchemas } from "../avro/schemas.js";
import { RAW_TOPICS } from "../core/topics.js";
import { DESTINATIONS } from "../destinations/index.js";
import { chunkOutputs, type TransformTools } from "../kafka/outputs.js";
import { parsePipelineConfig } from "../pipeline/config.js";
import { createPipeline, type Pipeline } from "../pipeline/pipeline.js";
import { type HostileKind, hostileInput } from "./hostile-inputs.js";

/** Dead-letter codes that mean a defect, not bad input: a stage threw, or a routed record did not fit its schema. */
const DEFECT_CODES = new Set(["internal_error", "encoding_failed"]);

export interface FuzzFailure {
  readonly index: number;
  readonly kind: HostileKind;
  readonly problem: string;
  /** The first bytes of the input, base64, to reproduce it (or regenerate it from seed and index). */
  readonly sample: string;
}

export interface FuzzReport {
  readonly seed: number;
  readonly inputs: number;
  readonly seconds: number;
  readonly byKind: Record<string, number>;
  readonly outcomes: { routed: number; skipped: number; dead_letter: number };
  readonly deadLetters: Record<string, number>;
  readonly recordsEncoded: number;
  readonly failures: readonly FuzzFailure[];
  readonly failureCount: number;
}

function tally(counts: Record<string, number>, key: string, n = 1): void {
  counts[key] = (counts[key] ?? 0) + n;
}

/** The worker's own transform tools, with the schema ids a registry would have given. */
function workerTools(pipeline: Pipeline): TransformTools {
  const schemas = loadTopicSchemas();
  const ids = new Map([...schemas.values()].map((schema, i) => [schema.subject, i + 1]));
  return {
    pipeline,
    encoder: RecordEncoder.fromIds(schemas, ids),
    workerId: "fuzz",
    maxRecordBytes: 1024 * 1024,
    arenas: new ArenaSizer(),
  };
}

/**
 * Runs `count` hostile inputs, one at a time, through the worker's transform (every pipeline
 * stage, the Avro encoder and dead-letter encoding), as `chunkOutputs` does in the worker. Each
 * input must be accounted for exactly once (routed, skipped or dead-lettered), no exception may
 * escape, and no stage may throw or produce a record its schema refuses.
 */
export function runFuzz(options: {
  count: number;
  seed: number;
  pipeline?: Pipeline;
  onProgress?: (done: number) => void;
}): FuzzReport {
  const pipeline = options.pipeline ?? createPipeline(parsePipelineConfig({}, DESTINATIONS), DESTINATIONS);
  const tools = workerTools(pipeline);
  const byKind: Record<string, number> = {};
  const deadLetters: Record<string, number> = {};
  const outcomes = { routed: 0, skipped: 0, dead_letter: 0 };
  const failures: FuzzFailure[] = [];
  let failureCount = 0;
  let recordsEncoded = 0;
  const started = performance.now();
  for (let index = 0; index < options.count; index++) {
    const { kind, bytes } = hostileInput(options.seed, index);
    tally(byKind, kind);
    const fail = (problem: string) => {
      failureCount++;
      if (failures.length < 50)
        failures.push({ index, kind, problem, sample: bytes.subarray(0, 300).toString("base64") });
    };
    const topic = RAW_TOPICS[index % RAW_TOPICS.length] ?? "cdp.raw.group";
    const message = { key: null, value: bytes, timestamp: "1767225600000", offset: String(index), headers: {} };
    try {
      const { summary } = chunkOutputs(topic, 0, [message], tools, 1_767_225_600_000);
      const routed = Object.values(summary.routed).reduce((a, b) => a + b, 0);
      const skipped = Object.values(summary.skipped).reduce((a, b) => a + b, 0);
      const refused = Object.values(summary.deadLetters).reduce((a, b) => a + b, 0);
      recordsEncoded += routed;
      for (const [code, n] of Object.entries(summary.deadLetters)) {
        tally(deadLetters, code, n);
        if (DEFECT_CODES.has(code)) fail(`dead-lettered as ${code}`);
      }
      if (summary.consumed !== 1) fail(`consumed ${summary.consumed} times`);
      if (routed > 0) outcomes.routed++;
      else if (refused > 0) outcomes.dead_letter++;
      else if (skipped > 0) outcomes.skipped++;
      else fail("not accounted for: no record routed, skipped or dead-lettered");
    } catch (error) {
      fail(`exception escaped: ${(error as Error).stack ?? String(error)}`);
    }
    if (options.onProgress && (index + 1) % 10_000 === 0) options.onProgress(index + 1);
  }
  return {
    seed: options.seed,
    inputs: options.count,
    seconds: (performance.now() - started) / 1000,
    byKind,
    outcomes,
    deadLetters,
    recordsEncoded,
    failures,
    failureCount,
  };
}

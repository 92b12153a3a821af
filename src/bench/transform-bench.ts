import { cpuUsage } from "node:process";
import { isMainThread, Worker } from "node:worker_threads";
import { RecordEncoder } from "../avro/encoder.js";
import { ArenaSizer } from "../avro/record-arena.js";
import { outputSchemas } from "../avro/schemas.js";
import { DESTINATIONS } from "../destinations/index.js";
import { OUTPUT_FIELDS, packOutputs } from "../kafka/chunk-wire.js";
import { chunkOutputs, type TransformTools } from "../kafka/outputs.js";
import type { RawMessage } from "../kafka/raw-message.js";
import { YOUNG_GENERATION_MB } from "../ops/node-flags.js";
import { parsePipelineConfig } from "../pipeline/config.js";
import { createPipeline } from "../pipeline/pipeline.js";
import { generateEvents } from "./event-generator.js";
import { median } from "./median.js";

// `npm run bench:transform [-- EVENTS [ROUNDS]]`: what the worker's transform thread does per
// event (parse, pipeline, Avro encoding of every record and key, packing the chunk for the main
// thread), in chunks of 500 as the worker sends them, on one core. CPU time, not wall time: the
// figure that says how many events one thread can take, whatever else the machine is doing.
// The same events through `bench:pipeline` give the pipeline's share of it. It runs in a worker
// thread with the transform thread's young-generation limit, since the collector's share depends on it.

const count = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 5);
const CHUNK = 500;

function toolsForRound(): TransformTools {
  const schemas = outputSchemas("");
  // Fixed schema ids: the bytes on the wire differ from the worker's only in the 4-byte id.
  const ids = new Map([...schemas.values()].map((schema, index) => [schema.subject, 100 + index]));
  return {
    // A fresh pipeline per round: its dedupe window starts empty, as a worker's does.
    pipeline: createPipeline(parsePipelineConfig({}, DESTINATIONS), DESTINATIONS),
    encoder: RecordEncoder.fromIds(schemas, ids),
    workerId: "bench",
    maxRecordBytes: 1_048_000,
    arenas: new ArenaSizer(),
  };
}

interface Round {
  readonly cpuMicrosPerEvent: number;
  readonly records: number;
  readonly outputBytes: number;
}

function runOnce(chunks: readonly RawMessage[][]): Round {
  const tools = toolsForRound();
  let records = 0;
  let outputBytes = 0;
  let events = 0;
  const started = cpuUsage();
  for (const chunk of chunks) {
    const wire = packOutputs(chunkOutputs("cdp.raw.group", 0, chunk, tools, 1_767_225_600_000));
    events += chunk.length;
    records += wire.layout.length / OUTPUT_FIELDS;
    outputBytes += wire.bytes.byteLength;
  }
  const used = cpuUsage(started);
  return { cpuMicrosPerEvent: (used.user + used.system) / events, records, outputBytes };
}

function run(): void {
  const events = generateEvents(count);
  const messages: RawMessage[] = events.map((event, index) => ({
    key: null,
    value: event.bytes,
    timestamp: "1767225600000",
    offset: String(index),
  }));
  const chunks: RawMessage[][] = [];
  for (let at = 0; at < messages.length; at += CHUNK) chunks.push(messages.slice(at, at + CHUNK));

  console.log(`cdp-router transform benchmark: Node ${process.version}, ${events.length} events in chunks of ${CHUNK}`);
  runOnce(chunks); // warm-up: lets the JIT settle before anything is timed
  const perEvent: number[] = [];
  let last: Round | undefined;
  for (let round = 0; round < rounds; round++) {
    last = runOnce(chunks);
    perEvent.push(last.cpuMicrosPerEvent);
  }
  const micros = median(perEvent);
  console.log(`rounds: ${rounds} (after 1 warm-up): ${perEvent.map((value) => value.toFixed(1)).join(", ")} µs/event`);
  console.log(
    `median: ${micros.toFixed(1)} CPU µs per event = ${Math.round(1_000_000 / micros).toLocaleString("en")} events/s on one core; ` +
      `${last?.records ?? 0} records (${((last?.records ?? 0) / events.length).toFixed(2)} per event), ` +
      `${Math.round((last?.outputBytes ?? 0) / Math.max(1, last?.records ?? 0))} bytes per record packed`,
  );
  console.log(
    JSON.stringify({ events: events.length, cpuMicrosPerEvent: Number(micros.toFixed(2)), rounds: perEvent }),
  );
}

if (isMainThread) {
  new Worker(new URL(import.meta.url), {
    argv: process.argv.slice(2),
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
  }).on("error", (error) => {
    console.error(error);
    process.exitCode = 1;
  });
} else {
  run();
}

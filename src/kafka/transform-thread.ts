import { parentPort, workerData } from "node:worker_threads";
import { RecordEncoder } from "../avro/encoder.js";
import { ArenaSizer } from "../avro/record-arena.js";
import { outputSchemas } from "../avro/schemas.js";
import { DESTINATIONS } from "../destinations/index.js";
import { createPipeline } from "../pipeline/pipeline.js";
import { outputsTransferList, packOutputs, unpackMessages } from "./chunk-wire.js";
import { chunkOutputs, type TransformTools } from "./outputs.js";
import type { FromThread, ToThread, TransformSetup } from "./transformer.js";

// The transform thread's entry (see ThreadTransformer): chunks in, encoded outputs out, in order.

const setup = workerData as TransformSetup;
const tools: TransformTools = {
  pipeline: createPipeline(setup.pipeline, DESTINATIONS),
  encoder: RecordEncoder.fromIds(outputSchemas(setup.outputPrefix), new Map(setup.schemaIds)),
  workerId: setup.workerId,
  maxRecordBytes: setup.maxRecordBytes,
  arenas: new ArenaSizer(),
};
const port = parentPort;
if (!port) throw new Error("transform-thread.js runs as a worker thread only");

port.on("message", (message: ToThread) => {
  if (message.kind === "forget") {
    tools.pipeline.forget(message.marks);
    return;
  }
  let reply: FromThread;
  try {
    const outputs = chunkOutputs(message.topic, message.partition, unpackMessages(message.wire), tools, message.now);
    reply = { kind: "outputs", id: message.id, wire: packOutputs(outputs) };
  } catch (error) {
    reply = { kind: "failed", id: message.id, message: (error as Error).message };
  }
  port.postMessage(reply, reply.kind === "outputs" ? outputsTransferList(reply.wire) : []);
});

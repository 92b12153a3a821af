import { Worker as Thread } from "node:worker_threads";
import type { RecordEncoder } from "../avro/encoder.js";
import { ArenaSizer } from "../avro/record-arena.js";
import type { DeliveryMark } from "../core/outcome.js";
import { DESTINATIONS } from "../destinations/index.js";
import { YOUNG_GENERATION_MB } from "../ops/node-flags.js";
import type { ThreadBusy } from "../ops/thread-busy.js";
import type { PipelineConfig } from "../pipeline/config.js";
import { createPipeline } from "../pipeline/pipeline.js";
import { packMessages, unpackOutputs, type WireMessages, type WireOutputs } from "./chunk-wire.js";
import { type ChunkOutputs, chunkOutputs, type TransformTools } from "./outputs.js";
import type { RawMessage } from "./raw-message.js";

/** Turns a chunk of raw messages into encoded outputs, and takes back dedupe memory on request. */
export interface ChunkTransformer {
  transform(topic: string, partition: number, messages: readonly RawMessage[], now: number): Promise<ChunkOutputs>;
  /**
   * These deliveries (of chunks of this partition) were never written: they are not duplicates
   * when their records come back.
   */
  forget(topic: string, partition: number, marks: readonly DeliveryMark[]): void;
  /**
   * Each transform thread's busy time since it started, in thread order; none when the transform
   * runs on the calling thread (its time is that thread's).
   */
  threadsBusy(): readonly ThreadBusy[];
  /**
   * The partitions (by topic) this worker was assigned at its latest group join: a pool of threads
   * spreads them over its threads (TransformerPool); a single window has nothing to place.
   */
  assigned(assignment: Readonly<Record<string, readonly number[]>>): void;
  close(): Promise<void>;
}

/** What the transform thread is built from: plain data, cloned into the thread. */
export interface TransformSetup {
  readonly pipeline: PipelineConfig;
  /** Schema ids by subject, registered by the worker at start-up. */
  readonly schemaIds: ReadonlyArray<readonly [string, number]>;
  readonly workerId: string;
  readonly maxRecordBytes: number;
  /** A replay's shadow-topic prefix ("" for the live topics): which subjects the schema ids are under. */
  readonly outputPrefix: string;
}

export type ToThread =
  | { kind: "chunk"; id: number; topic: string; partition: number; now: number; wire: WireMessages }
  | { kind: "forget"; marks: readonly DeliveryMark[] };

export type FromThread =
  | { kind: "outputs"; id: number; wire: WireOutputs }
  | { kind: "failed"; id: number; message: string };

/** The transform on the calling thread (CDP_TRANSFORM_THREAD=false). */
export class InlineTransformer implements ChunkTransformer {
  private readonly tools: TransformTools;

  constructor(setup: Omit<TransformSetup, "schemaIds">, encoder: RecordEncoder) {
    this.tools = {
      pipeline: createPipeline(setup.pipeline, DESTINATIONS),
      encoder,
      workerId: setup.workerId,
      maxRecordBytes: setup.maxRecordBytes,
      arenas: new ArenaSizer(),
    };
  }

  async transform(
    topic: string,
    partition: number,
    messages: readonly RawMessage[],
    now: number,
  ): Promise<ChunkOutputs> {
    return chunkOutputs(topic, partition, messages, this.tools, now);
  }

  forget(_topic: string, _partition: number, marks: readonly DeliveryMark[]): void {
    this.tools.pipeline.forget(marks);
  }

  threadsBusy(): readonly ThreadBusy[] {
    return [];
  }

  assigned(): void {}

  async close(): Promise<void> {}
}

/**
 * The transform (pipeline and Avro encoding) on its own thread, so that it runs beside kafkajs's
 * fetching and produce encoding instead of taking turns with it on the event loop. Chunks are
 * answered in the order they were sent; the thread has its own dedupe window.
 */
export class ThreadTransformer implements ChunkTransformer {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (o: ChunkOutputs) => void; reject: (e: Error) => void }>();
  private failure?: Error;
  private closing = false;

  private constructor(
    private readonly thread: Thread,
    onFatal: (error: Error) => void,
  ) {
    thread.on("message", (message: FromThread) => {
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.kind === "outputs") waiting?.resolve(unpackOutputs(message.wire));
      else waiting?.reject(new Error(`transform thread: ${message.message}`));
    });
    const die = (error: Error) => {
      if (this.closing) return;
      this.failure = error;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
      onFatal(error);
    };
    thread.on("error", die);
    thread.on("exit", (code) => die(new Error(`the transform thread exited (${code})`)));
  }

  static start(setup: TransformSetup, onFatal: (error: Error) => void): ThreadTransformer {
    const thread = new Thread(new URL("./transform-thread.js", import.meta.url), {
      workerData: setup,
      // Bounded however the process was launched (see ops/node-flags.ts).
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    return new ThreadTransformer(thread, onFatal);
  }

  transform(topic: string, partition: number, messages: readonly RawMessage[], now: number): Promise<ChunkOutputs> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const wire = packMessages(messages);
    return new Promise<ChunkOutputs>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const message: ToThread = { kind: "chunk", id, topic, partition, now, wire };
      this.thread.postMessage(message, [wire.bytes]);
    });
  }

  forget(_topic: string, _partition: number, marks: readonly DeliveryMark[]): void {
    if (marks.length === 0 || this.failure) return;
    const message: ToThread = { kind: "forget", marks };
    this.thread.postMessage(message);
  }

  threadsBusy(): readonly ThreadBusy[] {
    // Node answers zeros, and threadId -1, once the thread has exited: counted as no work.
    return [{ threadId: this.thread.threadId, busyMs: this.thread.performance.eventLoopUtilization().active }];
  }

  assigned(): void {}

  async close(): Promise<void> {
    this.closing = true;
    await this.thread.terminate();
  }
}

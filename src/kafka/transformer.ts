import { setImmediate as nextTurn } from "node:timers/promises";
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
import { type ChunkOutputs, chunkOutputs, joinChunkOutputs, type TransformTools } from "./outputs.js";
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

/**
 * How many events the event loop transforms between two turns of its own. A chunk of 500 took it
 * about 30 ms at full speed here, and through them kafkajs could neither send the outputs the
 * transform thread had handed back nor read acknowledgements, so the thread's partitions waited.
 * In slices of 100: faster in 7 of 8 alternating `BENCH_ONLY=alo` pairs (means 12,055 against
 * 11,302 events/s), the thread busier in all 8 (87-90% against 82-85%), and p99 at 5,000 events/s
 * 47-68 against 63-78 ms. Slices of 40 cost more CPU per event than they won back
 * (docs/benchmarks.md, "2026-11-29 late night").
 */
export const INLINE_SLICE = 100;

/**
 * The transform on the calling thread (CDP_TRANSFORM_THREAD=false, or the event loop's share
 * beside the threads): a chunk in slices of INLINE_SLICE events, the event loop free between them.
 */
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
    if (messages.length <= INLINE_SLICE) return chunkOutputs(topic, partition, messages, this.tools, now);
    const parts: ChunkOutputs[] = [];
    try {
      for (let start = 0; start < messages.length; start += INLINE_SLICE) {
        if (start > 0) await nextTurn();
        const slice = messages.slice(start, start + INLINE_SLICE);
        parts.push(chunkOutputs(topic, partition, slice, this.tools, now));
      }
    } catch (error) {
      // The chunk fails as a whole (the failing slice took back its own deliveries): the ones
      // its first slices remembered will not be written either.
      for (const part of parts) this.tools.pipeline.forget(part.remembered);
      throw error;
    }
    return joinChunkOutputs(parts);
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

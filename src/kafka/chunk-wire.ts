import type { IHeaders, Message } from "kafkajs";
import { type ArenaSpan, RecordArena } from "../avro/record-arena.js";
import type { DeliveryMark } from "../core/outcome.js";
import type { ChunkOutputs, ChunkSummary } from "./outputs.js";
import type { RawMessage, Redriven } from "./raw-message.js";

// A chunk crosses to the transform thread and back as one transferred ArrayBuffer of bytes plus
// positions. Posting Buffers as they are would copy each one's whole backing store: kafkajs's
// message values are views into the fetch response, Node's small Buffers views into a shared
// 8 KiB pool. The outputs' positions travel as one transferred Int32Array too: the main thread,
// where kafkajs runs, then deserialises two buffers per chunk instead of arrays and strings per
// record (about eight records per event).

/** A byte range in the shared buffer; length -1 stands for null. */
type Span = [start: number, length: number];

export interface WireMessages {
  readonly bytes: ArrayBuffer;
  readonly keys: Span[];
  readonly values: Span[];
  readonly offsets: string[];
  readonly timestamps: string[];
  /** Only for messages that have headers (rare): each value copied into its own small array. */
  readonly headers: Array<[index: number, headers: Array<[string, Array<Uint8Array | string>]>]>;
  /** Only for re-driven dead letters: where each one's raw record came from. */
  readonly origins: Array<[index: number, origin: Redriven]>;
}

/** Per output message, OUTPUT_FIELDS integers in `layout`: topic index, key span, value span. */
export const OUTPUT_FIELDS = 5;

export interface WireOutputs {
  readonly bytes: ArrayBuffer;
  readonly topics: string[];
  /** OUTPUT_FIELDS per message: its topic's index, key start and length, value start and length (-1: null). */
  readonly layout: Int32Array<ArrayBuffer>;
  readonly summary: ChunkSummary;
  readonly remembered: DeliveryMark[];
}

/** Copies byte arrays and UTF-8 strings into one buffer, returning each one's span. */
class BytePacker {
  private readonly parts: Array<Uint8Array | string> = [];
  private size = 0;

  add(bytes: Uint8Array | string | null | undefined): Span {
    if (bytes === null || bytes === undefined) return [0, -1];
    const length = typeof bytes === "string" ? Buffer.byteLength(bytes) : bytes.length;
    const span: Span = [this.size, length];
    this.parts.push(bytes);
    this.size += length;
    return span;
  }

  finish(): ArrayBuffer {
    // Not from Node's pool: the ArrayBuffer is transferred, so it must be this buffer's alone.
    const out = Buffer.allocUnsafeSlow(this.size);
    let at = 0;
    for (const part of this.parts) {
      if (typeof part === "string") {
        at += out.write(part, at);
      } else {
        out.set(part, at);
        at += part.length;
      }
    }
    return out.buffer as ArrayBuffer;
  }
}

function view(bytes: ArrayBuffer, [start, length]: Span): Buffer | null {
  return length < 0 ? null : Buffer.from(bytes, start, length);
}

function copyHeaders(headers: IHeaders): Array<[string, Array<Uint8Array | string>]> {
  return Object.entries(headers).flatMap(([name, value]): Array<[string, Array<Uint8Array | string>]> => {
    if (value === undefined) return [];
    const values = Array.isArray(value) ? value : [value];
    return [[name, values.map((v) => (typeof v === "string" ? v : Uint8Array.from(v)))]];
  });
}

function restoreHeaders(entries: Array<[string, Array<Uint8Array | string>]>): IHeaders {
  const headers: IHeaders = {};
  for (const [name, values] of entries) {
    const restored = values.map((v) => (typeof v === "string" ? v : Buffer.from(v.buffer, v.byteOffset, v.length)));
    // Defined, not assigned: a header named `__proto__` must stay a header, not become the prototype.
    Object.defineProperty(headers, name, {
      value: restored.length === 1 ? restored[0] : restored,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return headers;
}

export function packMessages(messages: readonly RawMessage[]): WireMessages {
  const packer = new BytePacker();
  const keys: Span[] = [];
  const values: Span[] = [];
  const headers: WireMessages["headers"] = [];
  const origins: WireMessages["origins"] = [];
  messages.forEach((message, index) => {
    keys.push(packer.add(message.key));
    values.push(packer.add(message.value));
    if (message.headers && Object.keys(message.headers).length > 0) headers.push([index, copyHeaders(message.headers)]);
    if (message.origin) origins.push([index, message.origin]);
  });
  return {
    bytes: packer.finish(),
    keys,
    values,
    offsets: messages.map((m) => m.offset),
    timestamps: messages.map((m) => m.timestamp),
    headers,
    origins,
  };
}

export function unpackMessages(wire: WireMessages): RawMessage[] {
  const headersAt = new Map(wire.headers.map(([index, entries]) => [index, restoreHeaders(entries)]));
  const originAt = new Map(wire.origins);
  return wire.offsets.map((offset, i) => {
    const message: RawMessage = {
      key: view(wire.bytes, wire.keys[i] ?? [0, -1]),
      value: view(wire.bytes, wire.values[i] ?? [0, -1]),
      offset,
      timestamp: wire.timestamps[i] ?? "0",
      headers: headersAt.get(i),
    };
    const origin = originAt.get(i);
    return origin ? { ...message, origin } : message;
  });
}

/**
 * The outputs as one buffer and their positions in it. Keys and values written into the chunk's
 * arena are already in place (a shared key is one span named by every record it keys): the
 * arena's buffer is what crosses, and only bytes made elsewhere are copied into it.
 */
export function packOutputs(outputs: ChunkOutputs): WireOutputs {
  const arena = outputs.arena ?? new RecordArena(0);
  const topics: string[] = [];
  let count = 0;
  for (const list of outputs.byTopic.values()) count += list.length;
  const layout = new Int32Array(count * OUTPUT_FIELDS);
  let at = 0;
  for (const [topic, list] of outputs.byTopic) {
    const index = topics.push(topic) - 1;
    for (const message of list) {
      const [keyStart, keyLength] = spanIn(arena, message.key);
      const [valueStart, valueLength] = spanIn(arena, message.value);
      layout[at++] = index;
      layout[at++] = keyStart;
      layout[at++] = keyLength;
      layout[at++] = valueStart;
      layout[at++] = valueLength;
    }
  }
  return { bytes: arena.finish(), topics, layout, summary: outputs.summary, remembered: outputs.remembered };
}

const NO_BYTES: ArenaSpan = [0, -1];

/** Where a key or value is in the arena: where it was written, or a copy added (bytes made elsewhere). */
function spanIn(arena: RecordArena, bytes: Message["key"] | Message["value"]): ArenaSpan {
  if (bytes === null || bytes === undefined) return NO_BYTES;
  if (typeof bytes === "string") return arena.appendString(bytes);
  return arena.spanOf(bytes) ?? arena.appendBytes(bytes);
}

/** What a transform thread posts back with an outputs message, so that nothing of it is copied. */
export function outputsTransferList(wire: WireOutputs): ArrayBuffer[] {
  return [wire.bytes, wire.layout.buffer];
}

/** The outputs as kafkajs messages: keys and values are Buffer views of the one transferred buffer. */
export function unpackOutputs(wire: WireOutputs): ChunkOutputs {
  const byTopic = new Map<string, Message[]>();
  const lists = wire.topics.map((topic) => {
    const list: Message[] = [];
    byTopic.set(topic, list);
    return list;
  });
  const { bytes, layout } = wire;
  for (let at = 0; at < layout.length; at += OUTPUT_FIELDS) {
    const keyLength = layout[at + 2] ?? -1;
    const valueLength = layout[at + 4] ?? -1;
    lists[layout[at] ?? 0]?.push({
      key: keyLength < 0 ? null : Buffer.from(bytes, layout[at + 1], keyLength),
      value: valueLength < 0 ? null : Buffer.from(bytes, layout[at + 3], valueLength),
    });
  }
  return { byTopic, summary: wire.summary, remembered: wire.remembered };
}

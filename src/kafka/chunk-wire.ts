import type { IHeaders, Message } from "kafkajs";
import type { DeliveryMark } from "../core/outcome.js";
import type { ChunkOutputs, ChunkSummary } from "./outputs.js";
import type { RawMessage } from "./raw-message.js";

// A chunk crosses to the transform thread and back as one transferred ArrayBuffer of bytes plus
// small arrays of positions. Posting Buffers as they are would copy each one's whole backing
// store: kafkajs's message values are views into the fetch response, Node's small Buffers views
// into a shared 8 KiB pool.

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
}

export interface WireOutputs {
  readonly bytes: ArrayBuffer;
  readonly topics: string[];
  /** Per message: its topic's index, its key (a string, a byte span or null) and its value's span. */
  readonly messages: Array<[topic: number, key: string | Span | null, value: Span]>;
  readonly summary: ChunkSummary;
  readonly remembered: DeliveryMark[];
}

/** Copies byte arrays into one buffer, returning each one's span. */
class BytePacker {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  add(bytes: Uint8Array | null | undefined): Span {
    if (bytes === null || bytes === undefined) return [0, -1];
    const span: Span = [this.size, bytes.length];
    this.parts.push(bytes);
    this.size += bytes.length;
    return span;
  }

  finish(): ArrayBuffer {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    return out.buffer;
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
  messages.forEach((message, index) => {
    keys.push(packer.add(message.key));
    values.push(packer.add(message.value));
    if (message.headers && Object.keys(message.headers).length > 0) headers.push([index, copyHeaders(message.headers)]);
  });
  return {
    bytes: packer.finish(),
    keys,
    values,
    offsets: messages.map((m) => m.offset),
    timestamps: messages.map((m) => m.timestamp),
    headers,
  };
}

export function unpackMessages(wire: WireMessages): RawMessage[] {
  const headersAt = new Map(wire.headers.map(([index, entries]) => [index, restoreHeaders(entries)]));
  return wire.offsets.map((offset, i) => ({
    key: view(wire.bytes, wire.keys[i] ?? [0, -1]),
    value: view(wire.bytes, wire.values[i] ?? [0, -1]),
    offset,
    timestamp: wire.timestamps[i] ?? "0",
    headers: headersAt.get(i),
  }));
}

export function packOutputs(outputs: ChunkOutputs): WireOutputs {
  const packer = new BytePacker();
  const topics: string[] = [];
  const messages: WireOutputs["messages"] = [];
  for (const [topic, list] of outputs.byTopic) {
    const index = topics.push(topic) - 1;
    for (const message of list) {
      const key = message.key;
      const wireKey = typeof key === "string" || key === null || key === undefined ? (key ?? null) : packer.add(key);
      const value = message.value;
      messages.push([index, wireKey, packer.add(typeof value === "string" ? Buffer.from(value) : value)]);
    }
  }
  return { bytes: packer.finish(), topics, messages, summary: outputs.summary, remembered: outputs.remembered };
}

export function unpackOutputs(wire: WireOutputs): ChunkOutputs {
  const byTopic = new Map<string, Message[]>();
  const lists = wire.topics.map((topic) => {
    const list: Message[] = [];
    byTopic.set(topic, list);
    return list;
  });
  for (const [topic, key, value] of wire.messages) {
    lists[topic]?.push({
      key: key === null || typeof key === "string" ? key : view(wire.bytes, key),
      value: view(wire.bytes, value),
    });
  }
  return { byTopic, summary: wire.summary, remembered: wire.remembered };
}

import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { compileFunction } from "node:vm";

// Loads kafkajs's produce encoding twice: as installed (patched by scripts/patch-kafkajs.mjs) and
// as stock 2.2.4, from the stock copies the patch script keeps in node_modules/kafkajs/.stock/.
// The stock graph is loaded by a small CommonJS loader of its own, so that an unpatched file that
// requires a patched one (record/v0 requires encoder.js) gets the stock one in the stock graph.
// Used by the byte-identity tests and by `npm run bench:encode`.

const require = createRequire(import.meta.url);
const kafkajsDir = dirname(require.resolve("kafkajs/package.json"));

type ModuleRequire = (relativePath: string) => unknown;

function resolveFile(from: string, id: string): string {
  const base = resolve(from, id);
  const candidates = /\.(js|json)$/.test(base) ? [base] : [`${base}.js`, join(base, "index.js")];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) throw new Error(`kafkajs-stock: cannot resolve ${id} from ${from}`);
  return found;
}

/**
 * A require over kafkajs's files, loaded afresh: with `stock`, every patched file is replaced by
 * its stock copy; `outside` answers the requires of packages (by default, Node's require).
 */
function isolatedRequire(
  stock: boolean,
  outside: (id: string) => unknown = createRequire(join(kafkajsDir, "package.json")),
): ModuleRequire {
  const cache = new Map<string, { exports: unknown }>();
  const load = (file: string): unknown => {
    const cached = cache.get(file);
    if (cached) return cached.exports;
    const stockCopy = join(kafkajsDir, ".stock", relative(kafkajsDir, file));
    const source = readFileSync(stock && existsSync(stockCopy) ? stockCopy : file, "utf8");
    const module = { exports: {} as unknown };
    cache.set(file, module);
    if (file.endsWith(".json")) {
      module.exports = JSON.parse(source);
      return module.exports;
    }
    const body = compileFunction(source, ["exports", "require", "module", "__filename", "__dirname"], {
      filename: file,
    });
    const localRequire = (id: string) => (id.startsWith(".") ? load(resolveFile(dirname(file), id)) : outside(id));
    body(module.exports, localRequire, module, file, dirname(file));
    return module.exports;
  };
  return (relativePath) => load(join(kafkajsDir, relativePath));
}

/** A require over stock kafkajs 2.2.4; fails when the stock copies are missing (an install older than them). */
function stockRequire(): ModuleRequire {
  if (!stockCopiesPresent()) {
    throw new Error("node_modules/kafkajs/.stock is missing: run npm ci (scripts/patch-kafkajs.mjs keeps it)");
  }
  return isolatedRequire(true);
}

/** One file of stock kafkajs 2.2.4 (its patched files replaced by their stock copies), loaded afresh. */
export function stockModule(relativePath: string): unknown {
  return stockRequire()(relativePath);
}

/** Whether the stock copies exist (an install by the current patch script). */
export function stockCopiesPresent(): boolean {
  return existsSync(join(kafkajsDir, ".stock", "src", "protocol", "encoder.js"));
}

export interface ProduceMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, Buffer | string | Array<Buffer | string>>;
  timestamp?: string;
  partition?: number;
}

export interface ProducePartition {
  partition: number;
  firstSequence: number;
  messages: ProduceMessage[];
}

export interface ProduceRequest {
  transactionalId: string | null;
  producerId: number;
  producerEpoch: number;
  acks: number;
  timeout: number;
  topicData: Array<{ topic: string; partitions: ProducePartition[] }>;
}

type Grouping = (options: {
  topic: string;
  partitionMetadata: Array<{ partitionId: number }>;
  messages: ProduceMessage[];
  partitioner: (options: { message: ProduceMessage }) => number;
}) => Record<string, ProduceMessage[]>;

export interface KafkajsEncoding {
  /** A Produce v3 request (the shape of v3 to v7), framed as on the wire (size, header, body). */
  readonly encodeProduce: (request: ProduceRequest, correlationId: number) => Promise<Buffer>;
  readonly crc32c: (bytes: Buffer) => number;
  readonly groupMessagesPerPartition: Grouping;
}

function encodingFrom(load: ModuleRequire): KafkajsEncoding {
  type Encoded = { buffer: Buffer };
  const Long = load("src/utils/long.js") as { fromValue: (value: number) => unknown };
  const produceRequest = load("src/protocol/requests/produce/v3/request.js") as (options: unknown) => {
    apiKey: number;
    apiVersion: number;
    encode: () => Promise<Encoded>;
  };
  const frame = load("src/protocol/request.js") as (options: unknown) => Promise<Encoded>;
  const encodeProduce = async (request: ProduceRequest, correlationId: number) => {
    const produce = produceRequest({ ...request, producerId: Long.fromValue(request.producerId) });
    return (await frame({ correlationId, clientId: "cdp-router", request: produce })).buffer;
  };
  return {
    encodeProduce,
    crc32c: load("src/protocol/recordBatch/crc32C/index.js") as (bytes: Buffer) => number,
    groupMessagesPerPartition: load("src/producer/groupMessagesPerPartition.js") as Grouping,
  };
}

/** kafkajs as installed: patched. */
export function patchedKafkajs(): KafkajsEncoding {
  return encodingFrom((path) => require(join(kafkajsDir, path)));
}

/** Stock kafkajs 2.2.4's produce encoding. */
export function stockKafkajs(): KafkajsEncoding {
  return encodingFrom(stockRequire());
}

/** The patched CRC32C module: the CRC of one buffer, and of several one after another. */
type PatchedCrc32c = ((bytes: Buffer) => number) & {
  implementation: string;
  ofParts: (parts: readonly Buffer[]) => number;
};

export interface Crc32cFunctions {
  readonly crc32c: (bytes: Buffer) => number;
  /** The CRC of buffers one after another, as of their concatenation (the patched record batch's checksum). */
  readonly ofParts: (parts: readonly Buffer[]) => number;
  readonly implementation: string;
}

function crcFunctions(crc: PatchedCrc32c): Crc32cFunctions {
  return { crc32c: crc, ofParts: crc.ofParts, implementation: crc.implementation };
}

/** The installed (patched) CRC32C as it is where @node-rs/crc32 loads: the native one. */
export function installedCrc32c(): Crc32cFunctions {
  return crcFunctions(require(join(kafkajsDir, "src/protocol/recordBatch/crc32C/index.js")) as PatchedCrc32c);
}

/** The installed (patched) CRC32C as it is where @node-rs/crc32 cannot load: the fallback. */
export function fallbackCrc32c(): Crc32cFunctions {
  const noNative = (id: string) => {
    throw new Error(`${id} cannot load here (simulated)`);
  };
  return crcFunctions(isolatedRequire(false, noNative)("src/protocol/recordBatch/crc32C/index.js") as PatchedCrc32c);
}

/** Which CRC32C the installed kafkajs uses: "native" (@node-rs/crc32) or "javascript". */
export function crc32cImplementation(): string {
  return installedCrc32c().implementation;
}

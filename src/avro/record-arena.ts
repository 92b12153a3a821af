/** A byte range in an arena's buffer: start and length. */
export type ArenaSpan = readonly [start: number, length: number];

/** The smallest arena made; a chunk of one small record should not cost a large allocation. */
const MIN_CAPACITY = 4 * 1024;

/**
 * One chunk's encoded records, written end to end into one buffer of its own. The transform
 * thread hands that buffer to the main thread whole (chunk-wire.ts): a record is written once,
 * where it will be sent from, instead of being encoded into scratch space, copied into a buffer of
 * its own, and copied again into the buffer that crosses threads.
 *
 * Records are views of the buffer. When it fills, a larger one takes its place with the bytes
 * written so far at the same offsets, so a view of an outgrown buffer still names the same bytes
 * in the current one (`spanOf`).
 */
export class RecordArena {
  private bytes: Buffer;
  private used = 0;
  private readonly outgrown = new Set<ArrayBufferLike>();

  constructor(capacity: number) {
    // Not from Node's pool: the buffer is transferred to another thread, so it must be the arena's alone.
    this.bytes = Buffer.allocUnsafeSlow(Math.max(MIN_CAPACITY, Math.ceil(capacity)));
  }

  /** The buffer to write into, at `size`. Valid until the next `reserve`. */
  get buffer(): Buffer {
    return this.bytes;
  }

  /** Bytes written so far. */
  get size(): number {
    return this.used;
  }

  /** Makes room for `bytes` more bytes after `size`. */
  reserve(bytes: number): void {
    const needed = this.used + bytes;
    if (needed <= this.bytes.length) return;
    const larger = Buffer.allocUnsafeSlow(Math.max(needed, this.bytes.length * 2));
    this.bytes.copy(larger, 0, 0, this.used);
    this.outgrown.add(this.bytes.buffer);
    this.bytes = larger;
  }

  /** The bytes from `size` to `end` were written: they are the arena's now, returned as a view. */
  commit(end: number): Buffer {
    if (end < this.used || end > this.bytes.length) throw new RangeError(`arena commit to ${end} outside its buffer`);
    const start = this.used;
    this.used = end;
    return this.bytes.subarray(start, end);
  }

  /** Empties the arena for reuse: views of what it held are overwritten from here on. */
  clear(): void {
    this.used = 0;
    this.outgrown.clear();
  }

  /** Takes back the record just committed (one that will not be sent), so that it is not carried. */
  dropLast(view: Uint8Array): void {
    const span = this.spanOf(view);
    if (span && span[0] + span[1] === this.used) this.used = span[0];
  }

  /** Appends a string's UTF-8 bytes; returns them, a view like `commit`'s. */
  writeString(text: string): Buffer {
    const [start, length] = this.appendString(text);
    return this.bytes.subarray(start, start + length);
  }

  /** Appends a string's UTF-8 bytes; returns where they are. */
  appendString(text: string): ArenaSpan {
    this.reserve(Buffer.byteLength(text));
    const start = this.used;
    this.used += this.bytes.write(text, start);
    return [start, this.used - start];
  }

  /** Appends a copy of some bytes; returns where they are. */
  appendBytes(bytes: Uint8Array): ArenaSpan {
    this.reserve(bytes.length);
    const start = this.used;
    this.bytes.set(bytes, start);
    this.used += bytes.length;
    return [start, bytes.length];
  }

  /** Where a view returned by `commit` lies in the buffer, or undefined for bytes that are not the arena's. */
  spanOf(view: Uint8Array): ArenaSpan | undefined {
    if (view.buffer !== this.bytes.buffer && !this.outgrown.has(view.buffer)) return undefined;
    const start = view.byteOffset - this.bytes.byteOffset;
    return start >= 0 && start + view.length <= this.used ? [start, view.length] : undefined;
  }

  /** The buffer holding everything written (its first `size` bytes), to transfer; nothing is written after. */
  finish(): ArrayBuffer {
    return this.bytes.buffer as ArrayBuffer;
  }
}

/**
 * How large to make the next chunk's arena: the output bytes per raw input byte of the chunks so
 * far (a group event becomes about eight records), with a margin, so that most chunks never grow
 * their arena and none holds much more than it uses.
 */
export class ArenaSizer {
  private ratio = 3;

  arenaFor(rawBytes: number): RecordArena {
    return new RecordArena(rawBytes * this.ratio * 1.15 + 1024);
  }

  /** A chunk of `rawBytes` input filled `arena`: the ratio follows, a quarter of the way each time. */
  observe(rawBytes: number, arena: RecordArena): void {
    if (rawBytes <= 0) return;
    this.ratio += (arena.size / rawBytes - this.ratio) / 4;
  }
}

import type { Readable } from "node:stream";

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Splits a byte stream into lines without decoding it, so that a line that is not UTF-8 reaches
 * the pipeline as the bytes it was (and is refused as `invalid_encoding`), not as replacement
 * characters. A trailing `\r` is dropped; a last line without a newline is still a line.
 */
export async function* byteLines(stream: Readable): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  for await (const chunk of stream) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    let start = 0;
    for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, start)) {
      pending.push(bytes.subarray(start, at));
      yield trimCarriageReturn(Buffer.concat(pending));
      pending = [];
      start = at + 1;
    }
    if (start < bytes.length) pending.push(bytes.subarray(start));
  }
  if (pending.length > 0) yield trimCarriageReturn(Buffer.concat(pending));
}

function trimCarriageReturn(line: Buffer): Buffer {
  return line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN ? line.subarray(0, -1) : line;
}

export function isBlank(line: Buffer): boolean {
  for (const byte of line) {
    if (byte !== 0x20 && byte !== 0x09) return false;
  }
  return true;
}

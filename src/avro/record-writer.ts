import avro from "avsc";
import { JsonTextType } from "./json-type.js";
import { RecentJsonTexts } from "./recent-json-texts.js";

/**
 * Writes `value`'s Avro body into `buffer` from `position` and returns the position after it;
 * past the buffer's end it writes what fits and returns a position beyond `buffer.length` (the
 * caller grows the buffer and writes again). Throws for a value the schema does not take.
 */
export type RecordWriter = (buffer: Buffer, position: number, value: unknown) => number;

/**
 * A writer compiled from an avsc type, writing the same bytes as `type.encode` for every value
 * avsc takes, without its per-value indirections: avsc writes each field through the field
 * type's `_write`, a `["null", X]` union through a branch lookup by the value's JavaScript type
 * (and for a logical branch, a trial conversion), each string through a `Tap`. These were about
 * a tenth of the transform thread's time. It is at least as strict as avsc: a value it refuses
 * is one to hand to avsc (RecordEncoder does), which then writes it or throws its own error, so
 * a refusal here never changes an outcome.
 *
 * Undefined for a type it does not compile (anything but records, `null`, `boolean`, `int`,
 * `long`, `double`, `string`, enums, arrays, maps, `["null", X]` unions and the `json` logical
 * type): avsc writes those schemas.
 */
export function compileRecordWriter(type: avro.Type): RecordWriter | undefined {
  const compiler = new Compiler();
  try {
    const entry = compiler.record(type);
    const body = `"use strict";\n${compiler.functions.join("\n")}\nreturn ${entry};`;
    const factory = new Function(...HELPER_NAMES, ...compiler.constantNames, body) as (
      ...args: unknown[]
    ) => RecordWriter;
    return factory(...HELPERS, ...compiler.constants);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

class Unsupported extends Error {}

/** Refuses the value: the caller hands it to avsc. */
function refuse(): never {
  throw new RangeError("value not taken by the compiled writer");
}

/** Avsc's `writeLong`: zigzag varint, integer arithmetic while it cannot overflow. */
function writeLong(buffer: Buffer, position: number, n: number): number {
  let at = position;
  if (n >= -1073741824 && n < 1073741824) {
    let m = n >= 0 ? n << 1 : (~n << 1) | 1;
    while (m > 0x7f) {
      buffer[at++] = (m & 0x7f) | 0x80;
      m >>>= 7;
    }
    buffer[at++] = m;
    return at;
  }
  let f = n >= 0 ? n * 2 : -n * 2 - 1;
  while (f >= 128) {
    buffer[at++] = (f & 0x7f) | 0x80;
    f /= 128;
  }
  buffer[at++] = f & 0x7f;
  return at;
}

/** Strings of up to this many UTF-8 bytes are written by a loop, longer ones by `utf8Write` (as avsc does). */
const SHORT_STRING_BYTES = 64;
/** A string of at most this many UTF-16 units has at most 8190 UTF-8 bytes: a two-byte zigzag length. */
const TWO_BYTE_LENGTH_UNITS = 2730;

/**
 * Avsc's `writeString`: the UTF-8 length, then the bytes. Up to 64 bytes avsc writes each UTF-16
 * unit itself (a lone surrogate as its own three bytes), beyond that Node's encoder (which writes
 * U+FFFD for one); both lengths are Buffer.byteLength's. A short string is written in one pass
 * here, its length byte first assumed to be one byte long.
 */
function writeString(buffer: Buffer, position: number, text: string): number {
  const units = text.length;
  if (units <= SHORT_STRING_BYTES) {
    let at = position + 1;
    for (let i = 0; i < units; i++) {
      let c1 = text.charCodeAt(i);
      if (c1 < 0x80) {
        buffer[at++] = c1;
      } else if (c1 < 0x800) {
        buffer[at++] = (c1 >> 6) | 0xc0;
        buffer[at++] = (c1 & 0x3f) | 0x80;
      } else {
        const c2 = text.charCodeAt(i + 1);
        if ((c1 & 0xfc00) === 0xd800 && (c2 & 0xfc00) === 0xdc00) {
          c1 = 0x10000 + ((c1 & 0x03ff) << 10) + (c2 & 0x03ff);
          i++;
          buffer[at++] = (c1 >> 18) | 0xf0;
          buffer[at++] = ((c1 >> 12) & 0x3f) | 0x80;
          buffer[at++] = ((c1 >> 6) & 0x3f) | 0x80;
          buffer[at++] = (c1 & 0x3f) | 0x80;
        } else {
          buffer[at++] = (c1 >> 12) | 0xe0;
          buffer[at++] = ((c1 >> 6) & 0x3f) | 0x80;
          buffer[at++] = (c1 & 0x3f) | 0x80;
        }
      }
    }
    const length = at - position - 1;
    // 63 bytes or fewer: the zigzag length fits the one byte kept for it.
    if (length < SHORT_STRING_BYTES) {
      buffer[position] = length << 1;
      return at;
    }
    // Exactly 64: still avsc's loop, after a two-byte length.
    if (length === SHORT_STRING_BYTES) {
      buffer.copyWithin(position + 2, position + 1, at);
      buffer[position] = 0x80;
      buffer[position + 1] = 0x01;
      return at + 1;
    }
    // More (multi-byte characters): avsc writes them with Node's encoder, as below.
  }
  // Over 64 bytes and at most 8190 (3 per unit): the length takes two bytes, so the text can be
  // written first and measured by the writing, instead of by Buffer.byteLength beforehand.
  if (units <= TWO_BYTE_LENGTH_UNITS && position + 2 + units * 3 <= buffer.length) {
    const length = (buffer as Buffer & Utf8Writer).utf8Write(text, position + 2, units * 3);
    buffer[position] = ((length << 1) & 0x7f) | 0x80;
    buffer[position + 1] = length >> 6;
    return position + 2 + length;
  }
  const length = Buffer.byteLength(text);
  const start = writeLong(buffer, position, length);
  const end = start + length;
  if (end <= buffer.length) (buffer as Buffer & Utf8Writer).utf8Write(text, start, length);
  return end;
}

/** Node's UTF-8 writer without `Buffer#write`'s argument handling (avsc uses it too; Node's typings omit it). */
interface Utf8Writer {
  utf8Write(text: string, offset: number, length: number): number;
}

function writeDouble(buffer: Buffer, position: number, value: number): number {
  if (position + 8 <= buffer.length) buffer.writeDoubleLE(value, position);
  return position + 8;
}

/** A field's default, written as avsc encodes it. */
function writeBytes(buffer: Buffer, position: number, bytes: Uint8Array): number {
  if (position + bytes.length <= buffer.length) buffer.set(bytes, position);
  return position + bytes.length;
}

/**
 * A `json` value's text (see JsonTextType). JsonTextType keeps the last object's text because avsc
 * converts a union's value twice; here it is converted once, and objects that several records of
 * an event share are serialised once for them all (RecentJsonTexts).
 */
const recentTexts = new RecentJsonTexts();

function jsonText(value: unknown): string {
  const text = recentTexts.textOf(value);
  if (typeof text !== "string") refuse();
  return text;
}

function isRecordLike(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

const HELPER_NAMES = ["R", "L", "S", "D", "B", "J", "O", "K"];
const HELPERS = [refuse, writeLong, writeString, writeDouble, writeBytes, jsonText, isRecordLike, Object.keys];

/** The largest safe long avsc writes (its bounds, one short of Number's, for rounding). */
const SAFE_LONG = 9007199254740990;

/** Generates one function per record type and the code of every other type inline. */
class Compiler {
  readonly functions: string[] = [];
  readonly constantNames: string[] = [];
  readonly constants: unknown[] = [];
  private readonly records = new Map<avro.Type, string>();
  private variables = 0;

  /** The name of the function writing records of `type`, compiled once. */
  record(type: avro.Type): string {
    if (!(type instanceof avro.types.RecordType)) throw new Unsupported();
    const known = this.records.get(type);
    if (known !== undefined) return known;
    const name = `w${this.records.size}`;
    this.records.set(type, name);
    let body = "";
    for (const field of type.fields) {
      const value = this.variable();
      body += `let ${value} = v[${JSON.stringify(field.name)}];\n`;
      const fallback = field.defaultValue();
      if (fallback === undefined) {
        body += this.write(field.type, value);
      } else {
        const bytes = this.constant(field.type.toBuffer(fallback));
        body += `if (${value} === undefined) p = B(b, p, ${bytes});\nelse {\n${this.write(field.type, value)}}\n`;
      }
    }
    this.functions.push(`function ${name}(b, p, v) {\n${body}return p;\n}`);
    return name;
  }

  /** Code that writes the value in variable `value` at `p`, refusing what avsc would not take. */
  private write(type: avro.Type, value: string): string {
    switch (type.typeName) {
      case "null":
        return `if (${value} !== null) R();\n`;
      case "boolean":
        return `if (typeof ${value} !== "boolean") R();\nb[p++] = ${value} ? 1 : 0;\n`;
      case "int":
        return `if (${value} !== (${value} | 0)) R();\np = L(b, p, ${value});\n`;
      case "long":
        return (
          `if (typeof ${value} !== "number" || ${value} % 1 || !(${value} >= ${-SAFE_LONG} && ${value} <= ${SAFE_LONG})) R();\n` +
          `p = L(b, p, ${value});\n`
        );
      case "double":
        return `if (typeof ${value} !== "number") R();\np = D(b, p, ${value});\n`;
      case "string":
        return `if (typeof ${value} !== "string") R();\np = S(b, p, ${value});\n`;
      case "logical:json":
        if (!(type instanceof JsonTextType)) throw new Unsupported();
        return `if (${value} === null) R();\np = S(b, p, J(${value}));\n`;
      case "enum":
        return this.enumWrite(type as avro.types.EnumType, value);
      case "array":
        return this.arrayWrite(type as avro.types.ArrayType, value);
      case "map":
        return this.mapWrite(type as avro.types.MapType, value);
      case "record":
        return `if (!O(${value})) R();\np = ${this.record(type)}(b, p, ${value});\n`;
      case "union:unwrapped":
        return this.nullableWrite(type as avro.types.UnwrappedUnionType, value);
      default:
        throw new Unsupported();
    }
  }

  private enumWrite(type: avro.types.EnumType, value: string): string {
    const indices = this.constant(new Map(type.symbols.map((symbol, index) => [symbol, index])));
    const index = this.variable();
    return `const ${index} = ${indices}.get(${value});\nif (${index} === undefined) R();\np = L(b, p, ${index});\n`;
  }

  private arrayWrite(type: avro.types.ArrayType, value: string): string {
    const item = this.variable();
    const at = this.variable();
    return (
      `if (!Array.isArray(${value})) R();\n` +
      `if (${value}.length > 0) {\np = L(b, p, ${value}.length);\n` +
      `for (let ${at} = 0; ${at} < ${value}.length; ${at}++) {\nconst ${item} = ${value}[${at}];\n${this.write(type.itemsType, item)}}\n}\n` +
      "b[p++] = 0;\n"
    );
  }

  private mapWrite(type: avro.types.MapType, value: string): string {
    const keys = this.variable();
    const key = this.variable();
    const item = this.variable();
    return (
      `if (!${value} || typeof ${value} !== "object" || Array.isArray(${value})) R();\n` +
      `const ${keys} = K(${value});\n` +
      `if (${keys}.length > 0) {\np = L(b, p, ${keys}.length);\n` +
      `for (const ${key} of ${keys}) {\np = S(b, p, ${key});\nconst ${item} = ${value}[${key}];\n${this.write(type.valuesType as avro.Type, item)}}\n}\n` +
      "b[p++] = 0;\n"
    );
  }

  /**
   * `["null", X]`: avsc picks the branch by the value's JavaScript type, then X's write checks the
   * value. X's checks here refuse every type that would not pick its branch, but one: a map's
   * accepts a Buffer, which avsc's branch lookup does not.
   */
  private nullableWrite(type: avro.types.UnwrappedUnionType, value: string): string {
    const [first, second] = type.types;
    if (type.types.length !== 2 || first?.typeName !== "null" || second === undefined) throw new Unsupported();
    const branchCheck = second.typeName === "map" ? `if (!O(${value})) R();\n` : "";
    return `if (${value} === null) b[p++] = 0;\nelse {\n${branchCheck}b[p++] = 2;\n${this.write(second, value)}}\n`;
  }

  private variable(): string {
    return `x${this.variables++}`;
  }

  private constant(value: unknown): string {
    const name = `c${this.constants.length}`;
    this.constantNames.push(name);
    this.constants.push(value);
    return name;
  }
}

import { generateEvents, seededRandom } from "../bench/event-generator.js";

/**
 * Hostile raw inputs for the fuzz run, each a pure function of (seed, index): random bytes,
 * near-JSON, deep and wide values, hostile keys, huge numbers and strings, mixed encodings, and
 * every field of the event model with every wrong type. Realistic events are the base that most
 * mutations start from, so that the mutated input gets past parsing into the later stages.
 */

export type HostileKind =
  | "random_bytes"
  | "near_json"
  | "deep"
  | "wide"
  | "hostile_keys"
  | "huge_numbers"
  | "huge_strings"
  | "encodings"
  | "wrong_types"
  | "realistic";

export const HOSTILE_KINDS: readonly HostileKind[] = [
  "random_bytes",
  "near_json",
  "deep",
  "wide",
  "hostile_keys",
  "huge_numbers",
  "huge_strings",
  "encodings",
  "wrong_types",
  "realistic",
];

type Random = () => number;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every field of the event model the pipeline reads, top level and nested. */
const FIELDS = [
  "type",
  "groupId",
  "userId",
  "anonymousId",
  "messageId",
  "traits",
  "properties",
  "event",
  "objectTypeId",
  "integrations",
  "context",
  "timestamp",
  "sentAt",
  "receivedAt",
  "channel",
  "version",
  "traits.objectTypeId",
  "traits.name",
  "traits.createdAt",
  "traits.created_at",
  "traits.website",
  "traits.email",
  "traits.relationshipAttributes",
  "traits.address",
  "properties.objectId",
  "properties.objectTypeId",
  "properties.relationshipAttributes",
  "integrations.All",
  "integrations.Customer.io",
  "integrations.Mixpanel (Actions)",
  "integrations.hubspot",
  "context.traits",
  "context.groupId",
];

const HOSTILE_KEYS = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "$set",
  "$name",
  "$created",
  "a.b.c",
  "a:b",
  "a%3Ab",
  "%",
  "cio_",
  "cio_x",
  "\ud800",
  "\udfff",
  "Größe",
  "名前",
  "😀",
  "\u202e",
  "x".repeat(5_000),
  "NAME",
  "Name",
  "name",
  "created-at",
  "ID",
];

const HUGE_NUMBERS = [
  "1e400",
  "-1e400",
  "1e-400",
  "-0",
  "0.0",
  "1.0",
  "9007199254740993",
  "-9007199254740993",
  "123456789012345678901234567890",
  "0.1000000000000000055511151231257827",
  "1E21",
  "1e+21",
  "2.5e-7",
  "4294967296",
  "2147483648",
  "-2147483649",
  "9223372036854775808",
  "1.7976931348623157e308",
  "5e-324",
  "1".repeat(400),
];

const WRONG_VALUES: readonly string[] = [
  "null",
  "true",
  "false",
  "0",
  "-1",
  "1.5",
  "1e400",
  '""',
  '" "',
  '"x"',
  '"\\u0000"',
  '"\\ud800"',
  "[]",
  "[[]]",
  "{}",
  '{"a":{}}',
  '[1,"a",null]',
  '"2026-13-45T99:99:99Z"',
  '"NaN"',
  '"Infinity"',
  "12345678901234567890123",
];

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function int(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

const BASE_POOL = 4_096;
let pool: { seed: number; events: Buffer[] } | undefined;

/** A realistic event (group, track, invalid...) from the benchmark generator: a pool per seed, by index. */
function baseEvent(seed: number, index: number): Buffer {
  if (pool?.seed !== seed) pool = { seed, events: generateEvents(BASE_POOL, seed).map((e) => e.bytes) };
  const bytes = pool.events[index % BASE_POOL] ?? Buffer.from("{}");
  // Its own messageId: a pool event seen again must not end as a dedupe skip before the later stages.
  return Buffer.from(bytes.toString().replace(/"messageId":"msg-[^"]*"/, `"messageId":"fuzz-${seed}-${index}"`));
}

function baseObject(seed: number, index: number): Record<string, Json> {
  try {
    const parsed = JSON.parse(baseEvent(seed, index).toString()) as Json;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed;
  } catch {
    // an invalid base event: start from an empty group call instead
  }
  return { type: "group", groupId: "g1", userId: "u1" };
}

/** Sets `path` (dot-separated, first segment top level) to raw JSON text in an object's JSON. */
function withRawField(object: Record<string, Json>, path: string, rawValue: string): string {
  const marker = "__cdp_fuzz_marker__";
  const [head, ...rest] = path.split(".");
  if (!head) return JSON.stringify(object);
  if (rest.length === 0) object[head] = marker;
  else {
    const inner = object[head];
    const target: Record<string, Json> = inner && typeof inner === "object" && !Array.isArray(inner) ? inner : {};
    target[rest.join(".")] = marker;
    object[head] = target;
  }
  return JSON.stringify(object).replace(`"${marker}"`, rawValue);
}

function randomBytes(random: Random): Buffer {
  const bytes = Buffer.allocUnsafe(int(random, 0, 400));
  for (let i = 0; i < bytes.length; i++) bytes[i] = int(random, 0, 255);
  return bytes;
}

function nearJson(random: Random, base: Buffer): Buffer {
  const text = base.toString("latin1");
  const at = int(random, 0, Math.max(0, text.length - 1));
  switch (int(random, 0, 6)) {
    case 0:
      return Buffer.from(text.slice(0, at), "latin1"); // truncated
    case 1: {
      const copy = Buffer.from(base);
      if (copy.length > 0) copy[at % copy.length] = int(random, 0, 255); // one byte changed
      return copy;
    }
    case 2:
      return Buffer.from(
        `${text.slice(0, at)}${pick(random, ["{", "}", "[", "]", ",", ":", '"', "\\", "\u0000"])}${text.slice(at)}`,
        "latin1",
      );
    case 3:
      return Buffer.from(`${text},${text}`, "latin1"); // two values
    case 4:
      return Buffer.from(`${text.replace(/^\{/, '{"type":"track","type":"group",')}`, "latin1"); // duplicate keys
    case 5:
      return Buffer.from(`\ufeff${base.toString()}`); // a byte-order mark
    default:
      return Buffer.from(`${text}${pick(random, ["\n", " ", "garbage", "}", "\u0000"])}`, "latin1"); // trailing bytes
  }
}

function deep(random: Random, seed: number, index: number): Buffer {
  const depth = random() < 0.02 ? 100_000 : pick(random, [20, 31, 32, 33, 64, 1_000]);
  const array = random() < 0.5;
  const open = array ? "[" : '{"a":';
  const close = array ? "]" : "}";
  const nested = `${open.repeat(depth)}1${close.repeat(depth)}`;
  const field = pick(random, [
    "traits",
    "properties",
    "context",
    "integrations",
    "traits.address",
    "traits.relationshipAttributes",
  ]);
  return Buffer.from(withRawField(baseObject(seed, index), field, nested));
}

function wide(random: Random, seed: number, index: number): Buffer {
  // The limit is 10,000 keys; inputs around it are rarer because they are slow to build.
  const keys = random() < 0.05 ? pick(random, [9_999, 10_000, 10_001, 50_000]) : pick(random, [50, 500, 2_000]);
  const parts: string[] = [];
  const sameKey = random() < 0.2;
  for (let i = 0; i < keys; i++) parts.push(`"${sameKey ? "k" : `k${i}`}":${i % 7 === 0 ? '"v"' : i}`);
  const field = pick(random, ["traits", "properties", "context", "integrations"]);
  const value = random() < 0.8 ? `{${parts.join(",")}}` : `[${parts.map((p) => p.split(":")[1]).join(",")}]`;
  return Buffer.from(withRawField(baseObject(seed, index), field, value));
}

function hostileKeys(random: Random, seed: number, index: number): Buffer {
  const object = baseObject(seed, index);
  const field = pick(random, ["traits", "properties", "context", "integrations", "traits.address"]);
  const entries: string[] = [];
  for (let i = int(random, 1, 6); i > 0; i--)
    entries.push(`${JSON.stringify(pick(random, HOSTILE_KEYS))}:${pick(random, WRONG_VALUES)}`);
  return Buffer.from(withRawField(object, field, `{${entries.join(",")}}`));
}

function hugeNumbers(random: Random, seed: number, index: number): Buffer {
  const field =
    random() < 0.6
      ? `traits.${pick(random, ["employees", "custom", "objectTypeId", "createdAt"])}`
      : pick(random, FIELDS);
  return Buffer.from(withRawField(baseObject(seed, index), field, pick(random, HUGE_NUMBERS)));
}

function hugeStrings(random: Random, seed: number, index: number): Buffer {
  // Up to past the 512 KiB input limit; the longest are rarer because they are slow to build.
  const length = random() < 0.05 ? pick(random, [100_000, 600_000]) : pick(random, [300, 3_000, 30_000]);
  const unit = pick(random, ["a", "é", "😀", "\\u0000", "\\ud800", "\\\\", '\\"']);
  const field = pick(random, FIELDS);
  return Buffer.from(withRawField(baseObject(seed, index), field, `"${unit.repeat(Math.ceil(length / unit.length))}"`));
}

function encodings(random: Random, base: Buffer): Buffer {
  const text = base.toString();
  switch (int(random, 0, 4)) {
    case 0:
      return Buffer.from(text, "utf16le");
    case 1:
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    case 2:
      return Buffer.from(text.replace(/"(name|Name|NAME)":"/, '"$1":"\u00ff\u00fe'), "latin1"); // Latin-1, not UTF-8
    case 3: {
      const copy = Buffer.from(base);
      const quote = copy.lastIndexOf(0x22);
      if (quote > 0) copy[quote - 1] = pick(random, [0xc0, 0xc3, 0xed, 0xf4, 0xf8, 0x80]); // invalid UTF-8
      return copy;
    }
    default:
      return Buffer.from(text.replace(/"(\w+)":"/, '"$1":"\\ud83d\\ude00 \\udc00 '), "utf8"); // escaped surrogates
  }
}

function wrongTypes(random: Random, seed: number, index: number): Buffer {
  return Buffer.from(withRawField(baseObject(seed, index), pick(random, FIELDS), pick(random, WRONG_VALUES)));
}

/** The index-th hostile input of a seed, and its kind. */
export function hostileInput(seed: number, index: number): { kind: HostileKind; bytes: Buffer } {
  // Seeded per input: any input is reproducible alone, from its seed and index.
  const random: Random = seededRandom((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const kind = pick(random, HOSTILE_KINDS);
  switch (kind) {
    case "random_bytes":
      return { kind, bytes: randomBytes(random) };
    case "near_json":
      return { kind, bytes: nearJson(random, baseEvent(seed, index)) };
    case "deep":
      return { kind, bytes: deep(random, seed, index) };
    case "wide":
      return { kind, bytes: wide(random, seed, index) };
    case "hostile_keys":
      return { kind, bytes: hostileKeys(random, seed, index) };
    case "huge_numbers":
      return { kind, bytes: hugeNumbers(random, seed, index) };
    case "huge_strings":
      return { kind, bytes: hugeStrings(random, seed, index) };
    case "encodings":
      return { kind, bytes: encodings(random, baseEvent(seed, index)) };
    case "wrong_types":
      return { kind, bytes: wrongTypes(random, seed, index) };
    default:
      return { kind, bytes: baseEvent(seed, index) };
  }
}

import type { JsonValue } from "../events/json.js";

/** A scalar as text (numbers and booleans written out); objects, arrays and null give null. */
export function textOf(value: JsonValue | undefined): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return null;
}

/** A string, or null for anything else: for fields a destination defines as text. */
export function stringOf(value: JsonValue | undefined): string | null {
  return typeof value === "string" ? value : null;
}

/** avsc writes a `long` only within ±(2^53 - 2): one step short of Number.MAX_SAFE_INTEGER. */
const AVRO_LONG_LIMIT = 9_007_199_254_740_990;

/**
 * A whole number for APIs that want integers: finite numbers rounded, decimal strings (" 329 ",
 * "1e3", "12.7") parsed and rounded; null for anything else or beyond what an Avro long written
 * by avsc can hold (the value is still in the free-form JSON where the destination has one).
 */
export function integerOf(value: JsonValue | undefined): number | null {
  let numeric: number;
  if (typeof value === "number") numeric = value;
  else if (typeof value === "string" && value.trim() !== "" && /^[\s+\-\d.eE]+$/.test(value)) numeric = Number(value);
  else return null;
  if (!Number.isFinite(numeric)) return null;
  const rounded = Math.round(numeric);
  return Math.abs(rounded) <= AVRO_LONG_LIMIT ? rounded : null;
}

/**
 * The host of a website for HubSpot's `domain`: no scheme, credentials, path, query, port or
 * leading `www.`, lower case. `https://www.Acme.com:443/about` becomes `acme.com`.
 */
export function domainOf(value: JsonValue | undefined): string | null {
  if (typeof value !== "string" || value.trim() === "") return null;
  const withoutScheme = value.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, "");
  const authority = withoutScheme.split(/[/?#]/, 1)[0] ?? "";
  const host = (authority.includes("@") ? authority.slice(authority.lastIndexOf("@") + 1) : authority).replace(
    /:\d*$/,
    "",
  );
  const domain = host
    .toLowerCase()
    .replace(/^www\./, "")
    .replace(/\.$/, "");
  return domain === "" ? null : domain;
}

const SNAKE_CACHE_LIMIT = 10_000;
// Trait keys repeat from event to event; four regular expressions per key per event were the
// largest single cost of the HubSpot mapping. Bounded: emptied when full.
const snakeCache = new Map<string, string>();

/** `totalBilled`, `Total Billed`, `total-billed` and `TOTAL_BILLED` all become `total_billed`. */
export function snakeCase(key: string): string {
  let result = snakeCache.get(key);
  if (result === undefined) {
    result = key
      .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
      .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_+|_+$/g, "");
    if (snakeCache.size >= SNAKE_CACHE_LIMIT) snakeCache.clear();
    snakeCache.set(key, result);
  }
  return result;
}

import type { Warning } from "../core/outcome.js";
import { isExactNumber, type JsonValue, numberOf } from "../events/json.js";

/** A scalar as text (numbers written as they were sent, booleans as words); objects, arrays and null give null. */
export function textOf(value: JsonValue | undefined): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (isExactNumber(value)) return value.rawJSON;
  return null;
}

/**
 * A scalar trait for a destination field that holds text: strings as they are, numbers and
 * booleans written out. Absent and null give null quietly; an object or array, which the field
 * cannot hold, gives null with a `value_dropped` warning.
 */
export function textField(value: JsonValue | undefined, field: string, warnings: Warning[]): string | null {
  const text = textOf(value);
  if (text === null && value !== undefined && value !== null) {
    warnings.push({
      code: "value_dropped",
      message: `${field}: ${Array.isArray(value) ? "an array" : "an object"} cannot be text; the field was left empty`,
    });
  }
  return text;
}

/** avsc writes a `long` only within ±(2^53 - 2): one step short of Number.MAX_SAFE_INTEGER. */
const AVRO_LONG_LIMIT = 9_007_199_254_740_990;

export interface WholeNumberField {
  /** Where the value goes, for the warning: `Intercom size`. */
  readonly field: string;
  /** Intercom truncates fractions (its documented behaviour); elsewhere the nearest whole number. */
  readonly rounding: "round" | "truncate";
  /** Negative values make no sense for counts such as employees. */
  readonly nonNegative?: boolean;
}

/**
 * A whole number for an API field that wants one: a number or a decimal string (" 329 ", "1e3",
 * "12.7"), made whole as the field says. Absent and null give null quietly; anything the field
 * cannot hold (not a number, negative where it must not be, beyond what an Avro long written by
 * avsc can hold) gives null with a `value_dropped` warning, never a changed value. The trait is
 * still in the free-form attributes where the destination has them.
 */
export function wholeNumberOf(
  value: JsonValue | undefined,
  field: WholeNumberField,
  warnings: Warning[],
): number | null {
  if (value === undefined || value === null) return null;
  const decimalText = typeof value === "string" && value.trim() !== "" && /^[\s+\-\d.eE]+$/.test(value);
  const numeric = decimalText ? Number(value) : numberOf(value);
  let reason: string | undefined;
  if (numeric === undefined || Number.isNaN(numeric)) reason = "is not a number";
  else if (!Number.isFinite(numeric)) reason = "is too large for a number";
  else if (field.nonNegative && numeric < 0) reason = "is negative";
  if (numeric !== undefined && reason === undefined) {
    const whole = field.rounding === "truncate" ? Math.trunc(numeric) : Math.round(numeric);
    if (Math.abs(whole) <= AVRO_LONG_LIMIT) return whole === 0 ? 0 : whole;
    reason = "is beyond a 64-bit integer written exactly";
  }
  const shown = textOf(value) ?? JSON.stringify(value);
  warnings.push({
    code: "value_dropped",
    message: `${field.field}: ${shown.slice(0, 40)} ${reason}; the field was left empty`,
  });
  return null;
}

/**
 * The host of a website for HubSpot's `domain`: no scheme, credentials, path, query, port or
 * leading `www.`, lower case. `https://www.Acme.com:443/about` becomes `acme.com`.
 */
export function domainOf(value: JsonValue | undefined): string | null {
  if (typeof value !== "string" || value.trim() === "") return null;
  // A scheme (`https://`) or a protocol-relative start (`//www.acme.com/x`) goes.
  const withoutScheme = value.trim().replace(/^(?:[a-z][a-z0-9+.-]*:)?\/\//i, "");
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

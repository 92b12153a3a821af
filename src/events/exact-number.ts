import type { JsonValue } from "./json.js";

/**
 * JSON.parse that keeps every number literal a double would change (see `ExactNumber`) as its
 * source text. Slower than a plain parse (a reviver call per value), so the parser takes this
 * path only when the byte scan saw such a literal.
 */
export function parseJsonExact(text: string): JsonValue {
  return JSON.parse(text, keepExactNumbers) as JsonValue;
}

function keepExactNumbers(this: unknown, _key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value !== "number" || context?.source === undefined) return value;
  return JSON.stringify(value) === context.source ? value : JSON.rawJSON(context.source);
}

const LITERAL = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

export type ExactInteger =
  | { readonly ok: true; readonly digits: string }
  | { readonly ok: false; readonly reason: "not_integer" | "too_long" };

/**
 * The decimal digits of a JSON number literal that denotes a whole number, computed on the text
 * (no double in between): `12345678901234567891` stays itself, `1e3` is `1000`, `7.0` is `7`,
 * `-0` is `0`. `1.5` and `1e-7` are not whole numbers; a result over `maxDigits` digits is refused
 * rather than written out (`1e1000000` would be a megabyte of zeros).
 */
export function exactIntegerOf(literal: string, maxDigits: number): ExactInteger {
  const match = LITERAL.exec(literal);
  if (!match) return { ok: false, reason: "not_integer" };
  const [, sign = "", whole = "", fraction = "", exponent = "0"] = match;
  let digits = whole + fraction;
  let point = whole.length + Number(exponent);
  const leading = digits.length - digits.replace(/^0+/, "").length;
  digits = digits.slice(leading);
  point -= leading;
  digits = digits.replace(/0+$/, "");
  if (digits === "") return { ok: true, digits: "0" };
  if (point < digits.length) return { ok: false, reason: "not_integer" };
  if (point > maxDigits) return { ok: false, reason: "too_long" };
  return { ok: true, digits: sign + digits + "0".repeat(point - digits.length) };
}

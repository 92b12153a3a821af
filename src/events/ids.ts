import { exactIntegerOf } from "./exact-number.js";
import { isExactNumber, type JsonValue } from "./json.js";

export type IdResult =
  | { readonly ok: true; readonly id: string | undefined }
  | { readonly ok: false; readonly reason: string };

/** Longer number ids are refused rather than expanded (`1e1000000` is no id). */
const MAX_ID_DIGITS = 1000;

/**
 * groupId, userId, anonymousId, messageId and objectId: strings or whole numbers. A number
 * becomes the exact decimal digits that were sent (`12345678901234567891` stays itself, never the
 * nearest double; `1e3` is `1000`); a number that is not whole (`1.5`, `1e-7`) is refused.
 * Empty or whitespace-only strings, null and absence all mean "absent". A string with a lone
 * UTF-16 surrogate (`"\ud800"`) is refused: UTF-8 (Avro strings, record keys) cannot carry it,
 * and the replacement character would make different ids one. A present id is never trimmed or
 * repaired.
 */
export function normaliseId(value: JsonValue | undefined): IdResult {
  if (value === undefined || value === null) return { ok: true, id: undefined };
  if (typeof value === "string") {
    if (!value.isWellFormed()) return { ok: false, reason: "has a lone UTF-16 surrogate (not valid Unicode)" };
    return { ok: true, id: value.trim() === "" ? undefined : value };
  }
  if (typeof value === "number") {
    if (!Number.isInteger(value)) return { ok: false, reason: `${value} is not a whole number` };
    // A plain number here printed back as it was sent (the parser keeps any other as an ExactNumber).
    return { ok: true, id: Object.is(value, -0) ? "0" : decimal(value) };
  }
  if (isExactNumber(value)) {
    const exact = exactIntegerOf(value.rawJSON, MAX_ID_DIGITS);
    if (exact.ok) return { ok: true, id: exact.digits };
    return {
      ok: false,
      reason:
        exact.reason === "too_long"
          ? `${value.rawJSON.slice(0, 40)} has more than ${MAX_ID_DIGITS} digits`
          : `${value.rawJSON.slice(0, 40)} is not a whole number`,
    };
  }
  return {
    ok: false,
    reason: Array.isArray(value) ? "is an array" : typeof value === "object" ? "is an object" : "is a boolean",
  };
}

/** 1e21 prints as "1e+21" with String(): write integers out in full (for numbers built in code). */
function decimal(value: number): string {
  return Math.abs(value) >= 1e21 ? BigInt(value).toString() : String(value);
}

/** A userId that looks like an email address (Customer.io identifies such a person by email). */
export function isEmailLike(id: string): boolean {
  return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(id);
}

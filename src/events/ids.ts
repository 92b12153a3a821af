import type { JsonValue } from "./json.js";

export type IdResult =
  | { readonly ok: true; readonly id: string | undefined }
  | { readonly ok: false; readonly reason: string };

/**
 * groupId, userId, anonymousId and objectId: strings or finite numbers. Numbers become decimal
 * strings (integers without an exponent); empty or whitespace-only strings, null and absence
 * are all "absent". Anything else is invalid. A present id is never trimmed or repaired.
 */
export function normaliseId(value: JsonValue | undefined): IdResult {
  if (value === undefined || value === null) return { ok: true, id: undefined };
  if (typeof value === "string") return { ok: true, id: value.trim() === "" ? undefined : value };
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return { ok: false, reason: "is not a finite number" };
    return { ok: true, id: decimal(value) };
  }
  return {
    ok: false,
    reason: Array.isArray(value) ? "is an array" : typeof value === "object" ? "is an object" : "is a boolean",
  };
}

/** 1e21 prints as "1e+21" with String(): write integers out in full. */
function decimal(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) >= 1e21) return BigInt(value).toString();
  return Object.is(value, -0) ? "0" : String(value);
}

/** A userId that looks like an email address (Customer.io identifies such a person by email). */
export function isEmailLike(id: string): boolean {
  return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(id);
}

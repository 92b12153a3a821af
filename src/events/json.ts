/**
 * A JSON number whose literal a double would not keep exactly (`12345678901234567891`, `1e400`,
 * `1.0`, `-0`): it stays the text that was sent, as a frozen raw-JSON object (TC39 "JSON.parse
 * source text access", in V8 since Node 21) that JSON.stringify writes back digit for digit.
 * Free-form values therefore travel exactly; typed fields read it with `numberOf`/`exactIntegerOf`.
 */
export interface ExactNumber {
  readonly rawJSON: string;
}

/** A JSON value as the pipeline's parser returns it. */
export type JsonValue = null | boolean | number | ExactNumber | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

declare global {
  interface JSON {
    rawJSON(text: string): ExactNumber;
    isRawJSON(value: unknown): boolean;
  }
}

export function isExactNumber(value: unknown): value is ExactNumber {
  return typeof value === "object" && value !== null && JSON.isRawJSON(value);
}

/** A JSON object: not null, not an array, not an exact number (which is an object to JavaScript). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !JSON.isRawJSON(value);
}

/** A number, exact or not, as the nearest double (Infinity for `1e400`); undefined for anything else. */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  return isExactNumber(value) ? Number(value.rawJSON) : undefined;
}

/**
 * A fresh object with no prototype. Every object the pipeline builds is one of these, so that a
 * key such as `__proto__`, `constructor` or `prototype` taken from input is only ever an own data
 * property: assigning it can never reach Object.prototype (JSON.parse already defines such keys
 * as own properties; the danger is in copying them, which is why nothing here uses Object.assign).
 */
export function emptyObject(): JsonObject {
  return Object.create(null) as JsonObject;
}

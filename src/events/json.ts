/** A JSON value as JSON.parse returns it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
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

export interface InputLimits {
  /** Largest raw event accepted, in bytes (`too_large`). */
  readonly maxBytes: number;
  /** Deepest nesting of objects and arrays accepted (`too_deep`). */
  readonly maxDepth: number;
  /** Most object keys accepted in one event, counted at every level (`too_many_keys`). */
  readonly maxKeys: number;
}

export const DEFAULT_LIMITS: InputLimits = Object.freeze({ maxBytes: 512 * 1024, maxDepth: 32, maxKeys: 10_000 });

export type ShapeViolation =
  | { readonly code: "too_deep"; readonly depth: number }
  | { readonly code: "too_many_keys"; readonly keys: number };

const OPEN_OBJECT = 0x7b; // {
const OPEN_ARRAY = 0x5b; // [
const CLOSE_OBJECT = 0x7d; // }
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \
const COLON = 0x3a; // :

/**
 * Measures nesting depth and key count in one linear, non-recursive pass over the raw bytes,
 * before JSON.parse or any recursive walk sees them. Every object member has exactly one colon
 * outside a string, so colons count keys. Malformed JSON is left for JSON.parse to report.
 */
export function checkShape(bytes: Uint8Array, limits: InputLimits): ShapeViolation | undefined {
  let depth = 0;
  let keys = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      depth++;
      if (depth > limits.maxDepth) return { code: "too_deep", depth };
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      depth--;
    } else if (byte === COLON) {
      keys++;
      if (keys > limits.maxKeys) return { code: "too_many_keys", keys };
    }
  }
  return undefined;
}

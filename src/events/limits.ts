export interface InputLimits {
  /** Largest raw event accepted, in bytes (`too_large`). */
  readonly maxBytes: number;
  /** Deepest nesting of objects and arrays accepted (`too_deep`). */
  readonly maxDepth: number;
  /** Most object keys accepted in one event, counted at every level (`too_many_keys`). */
  readonly maxKeys: number;
}

export const DEFAULT_LIMITS: InputLimits = Object.freeze({ maxBytes: 512 * 1024, maxDepth: 32, maxKeys: 10_000 });

export type ShapeScan =
  | { readonly code: "too_deep"; readonly depth: number }
  | { readonly code: "too_many_keys"; readonly keys: number }
  /** Within the limits; `inexactNumbers` when a number literal might not survive a double. */
  | { readonly code: "ok"; readonly inexactNumbers: boolean };

const WITHIN_LIMITS: ShapeScan = Object.freeze({ code: "ok", inexactNumbers: false });
const WITHIN_LIMITS_INEXACT: ShapeScan = Object.freeze({ code: "ok", inexactNumbers: true });

const OPEN_OBJECT = 0x7b; // {
const OPEN_ARRAY = 0x5b; // [
const CLOSE_OBJECT = 0x7d; // }
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \
const COLON = 0x3a; // :
const MINUS = 0x2d; // -
const DOT = 0x2e; // .
const ZERO = 0x30; // 0
const NINE = 0x39; // 9
const LOWER_E = 0x65; // e
const UPPER_E = 0x45; // E
/** Any decimal of at most this many significant digits survives a double (DBL_DIG). */
const DOUBLE_DIGITS = 15;
/**
 * Doubles printed by JavaScript (`463.96291349083185`) have up to 17 digits and survive; such a
 * literal (plus a few leading zeros) is checked by printing it back rather than sent down the slow path.
 */
const CHECKED_DIGITS = 24;
/** JavaScript writes numbers below 1e-6 with an exponent: `0.0000001` comes back as `1e-7`. */
const FIXED_FRACTION_ZEROS = 6;

const isDigit = (byte: number | undefined) => byte !== undefined && byte >= ZERO && byte <= NINE;

/**
 * Whether the ASCII literal bytes[start, end) is exactly what JavaScript prints for its double.
 * `ascii` is the event's text when every byte is one character: a slice of it costs less than
 * building the literal from bytes.
 */
function printsBack(bytes: Uint8Array, start: number, end: number, ascii: string | undefined): boolean {
  const literal =
    ascii === undefined
      ? String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[])
      : ascii.slice(start, end);
  return String(Number(literal)) === literal;
}

/**
 * Where the number literal starting at `start` ends, negated when it might come back different
 * from a double (`JSON.stringify(JSON.parse(literal)) !== literal`). Conservative: it may
 * say "might" of a literal that would survive (the exact parse then keeps it as it is anyway),
 * never the reverse. Survivors: no exponent, no trailing fraction zero, no `-0`, no fraction
 * below 1e-6, and at most 15 digits or exactly what JavaScript prints for the double.
 */
function scanNumber(bytes: Uint8Array, start: number, ascii: string | undefined): number {
  let i = start;
  const negative = bytes[i] === MINUS;
  if (negative) i++;
  const wholeStart = i;
  while (isDigit(bytes[i])) i++;
  let digits = i - wholeStart;
  let inexact = false;
  let zeroWhole = digits === 1 && bytes[wholeStart] === ZERO;
  if (bytes[i] === DOT) {
    i++;
    const fractionStart = i;
    while (isDigit(bytes[i])) i++;
    digits += i - fractionStart;
    if (bytes[i - 1] === ZERO) inexact = true;
    if (zeroWhole) {
      let zeros = 0;
      while (bytes[fractionStart + zeros] === ZERO) zeros++;
      if (zeros >= FIXED_FRACTION_ZEROS) inexact = true;
      if (fractionStart + zeros < i) zeroWhole = false;
    }
  }
  if (bytes[i] === LOWER_E || bytes[i] === UPPER_E) {
    inexact = true;
    i++;
    while (isDigit(bytes[i]) || bytes[i] === MINUS || bytes[i] === 0x2b) i++;
  }
  if (negative && zeroWhole) inexact = true;
  if (!inexact && digits > DOUBLE_DIGITS) inexact = digits > CHECKED_DIGITS || !printsBack(bytes, start, i, ascii);
  // One number, not an object, per literal: this runs for every number of every event.
  return inexact ? -i : i;
}

/**
 * Measures nesting depth and key count in one linear, non-recursive pass over the raw bytes,
 * before JSON.parse or any recursive walk sees them, and notes number literals that a double
 * would change. Every object member has exactly one colon outside a string, so colons count
 * keys. Malformed JSON is left for JSON.parse to report. `ascii`: the same event as text, when
 * it is all ASCII (one character per byte).
 */
export function checkShape(bytes: Uint8Array, limits: InputLimits, ascii?: string): ShapeScan {
  let depth = 0;
  let keys = 0;
  let inString = false;
  let inexactNumbers = false;
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
    } else if (isDigit(byte) || byte === MINUS) {
      const end = scanNumber(bytes, i, ascii);
      if (end < 0) inexactNumbers = true;
      i = Math.abs(end) - 1;
    }
  }
  return inexactNumbers ? WITHIN_LIMITS_INEXACT : WITHIN_LIMITS;
}

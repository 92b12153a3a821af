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
const PLUS = 0x2b; // +
/** Any decimal of at most this many significant digits survives a double (DBL_DIG). */
const DOUBLE_DIGITS = 15;
/**
 * Doubles printed by JavaScript (`463.96291349083185`) have up to 17 digits and survive; such a
 * literal (plus a few leading zeros) is checked by printing it back rather than sent down the slow path.
 */
const CHECKED_DIGITS = 24;
/** JavaScript writes numbers below 1e-6 with an exponent: `0.0000001` comes back as `1e-7`. */
const FIXED_FRACTION_ZEROS = 6;

/** charCodeAt past the end is NaN, which is no digit. */
const isDigit = (code: number) => code >= ZERO && code <= NINE;

/** Whether the literal text[start, end) is exactly what JavaScript prints for its double. */
function printsBack(text: string, start: number, end: number): boolean {
  const literal = text.slice(start, end);
  return String(Number(literal)) === literal;
}

/**
 * Where the number literal starting at `start` ends, negated when it might come back different
 * from a double (`JSON.stringify(JSON.parse(literal)) !== literal`). Conservative: it may
 * say "might" of a literal that would survive (the exact parse then keeps it as it is anyway),
 * never the reverse. Survivors: no exponent, no trailing fraction zero, no `-0`, no fraction
 * below 1e-6, and at most 15 digits or exactly what JavaScript prints for the double.
 */
function scanNumber(text: string, start: number): number {
  let i = start;
  const negative = text.charCodeAt(i) === MINUS;
  if (negative) i++;
  const wholeStart = i;
  while (isDigit(text.charCodeAt(i))) i++;
  let digits = i - wholeStart;
  let inexact = false;
  let zeroWhole = digits === 1 && text.charCodeAt(wholeStart) === ZERO;
  if (text.charCodeAt(i) === DOT) {
    i++;
    const fractionStart = i;
    while (isDigit(text.charCodeAt(i))) i++;
    digits += i - fractionStart;
    if (text.charCodeAt(i - 1) === ZERO) inexact = true;
    if (zeroWhole) {
      let zeros = 0;
      while (text.charCodeAt(fractionStart + zeros) === ZERO) zeros++;
      if (zeros >= FIXED_FRACTION_ZEROS) inexact = true;
      if (fractionStart + zeros < i) zeroWhole = false;
    }
  }
  const after = text.charCodeAt(i);
  if (after === LOWER_E || after === UPPER_E) {
    inexact = true;
    i++;
    for (let code = text.charCodeAt(i); isDigit(code) || code === MINUS || code === PLUS; code = text.charCodeAt(++i));
  }
  if (negative && zeroWhole) inexact = true;
  if (!inexact && digits > DOUBLE_DIGITS) inexact = digits > CHECKED_DIGITS || !printsBack(text, start, i);
  // One number, not an object, per literal: this runs for every number of every event.
  return inexact ? -i : i;
}

/**
 * Where the string whose opening quote is at `open` closes (the index of its closing quote), or
 * -1 when it never does (malformed: left for JSON.parse to report). The closing quote is found
 * with indexOf, which skips the string's characters natively: strings are most of an event's
 * text, and a loop over every character cost twice as much. A quote preceded by an odd run of
 * backslashes is escaped, and the search goes on after it.
 */
function closingQuote(text: string, open: number): number {
  let close = text.indexOf('"', open + 1);
  while (close !== -1) {
    let backslash = close - 1;
    while (text.charCodeAt(backslash) === BACKSLASH) backslash--;
    if ((close - 1 - backslash) % 2 === 0) return close;
    close = text.indexOf('"', close + 1);
  }
  return -1;
}

/**
 * Measures nesting depth and key count in one linear, non-recursive pass over the event's text,
 * before JSON.parse or any recursive walk sees it, and notes number literals that a double would
 * change. Every object member has exactly one colon outside a string, so colons count keys.
 * Malformed JSON is left for JSON.parse to report. Structural characters are ASCII, so the
 * decoded text is scanned as the bytes would be: no UTF-16 unit of another character equals one.
 */
export function checkShape(text: string, limits: InputLimits): ShapeScan {
  let depth = 0;
  let keys = 0;
  let inexactNumbers = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      i = closingQuote(text, i);
      if (i === -1) break;
    } else if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      depth++;
      if (depth > limits.maxDepth) return { code: "too_deep", depth };
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      depth--;
    } else if (code === COLON) {
      keys++;
      if (keys > limits.maxKeys) return { code: "too_many_keys", keys };
    } else if (isDigit(code) || code === MINUS) {
      const end = scanNumber(text, i);
      if (end < 0) inexactNumbers = true;
      i = Math.abs(end) - 1;
    }
  }
  return inexactNumbers ? WITHIN_LIMITS_INEXACT : WITHIN_LIMITS;
}

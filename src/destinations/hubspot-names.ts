import { snakeCase } from "./values.js";

/** Letters that Unicode decomposition does not reduce to ASCII, spelled as their languages do. */
const SPELLED_OUT: Readonly<Record<string, string>> = {
  ß: "ss",
  ẞ: "SS",
  æ: "ae",
  Æ: "AE",
  œ: "oe",
  Œ: "OE",
  ø: "o",
  Ø: "O",
  đ: "d",
  Đ: "D",
  ð: "d",
  Ð: "D",
  þ: "th",
  Þ: "TH",
  ł: "l",
  Ł: "L",
  ı: "i",
};
const SPELLED_OUT_PATTERN = new RegExp(`[${Object.keys(SPELLED_OUT).join("")}]`, "g");
const COMBINING_MARKS = /\p{M}/gu;
/** Characters that carry meaning (letters, digits, symbols such as emoji) beyond ASCII. */
const MEANINGFUL_NON_ASCII = /[^\p{ASCII}]/u;

export interface PropertyName {
  readonly name: string;
  /** False when part of the trait's name had no ASCII spelling and a hash of it stands in. */
  readonly faithful: boolean;
}

/** FNV-1a over the UTF-16 code units, 8 hex digits: stable across runs, versions and machines. */
function stableHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

const cache = new Map<string, PropertyName>();
const CACHE_LIMIT = 10_000;

/**
 * A HubSpot internal property name (lower-case ASCII letters, digits and `_`) for a custom trait:
 * 1. accents are taken off and a few letters spelled out (`Größe` -> `grosse`, `Čísla` -> `cisla`);
 * 2. the result in snake_case (`totalBilled` -> `total_billed`);
 * 3. when anything with meaning was left without an ASCII spelling (`名前`, `🏢`, `Größe 🏢`), or
 *    nothing was left at all (`!!!`), the 8-hex-digit FNV-1a hash of the whole trait name is
 *    appended (`p_1f0c3d2a`, `grosse_3b9e0c11`): distinct names stay distinct and the same name
 *    always maps to the same property.
 */
export function hubspotPropertyName(key: string): PropertyName {
  let result = cache.get(key);
  if (result === undefined) {
    const ascii = key
      .normalize("NFKD")
      .replace(COMBINING_MARKS, "")
      .replace(SPELLED_OUT_PATTERN, (c) => SPELLED_OUT[c] ?? c);
    const base = snakeCase(ascii);
    const faithful = base !== "" && !MEANINGFUL_NON_ASCII.test(ascii);
    result = { name: faithful ? base : `${base === "" ? "p" : base}_${stableHash(key)}`, faithful };
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, result);
  }
  return result;
}

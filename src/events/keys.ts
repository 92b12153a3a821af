import { emptyObject, type JsonObject, type JsonValue } from "./json.js";

const SEPARATORS = /[_\- ]/g;
const FOLD_CACHE_LIMIT = 10_000;
// Trait keys repeat from event to event (the same few dozen per source): folding each once is
// a measurable part of the pipeline's cost. The cache is emptied when full, so memory stays bounded.
const folded = new Map<string, string>();

/** `created_at`, `CreatedAt`, `CREATED-AT`, `created at` all fold to `createdat`. */
export function foldKey(key: string): string {
  let result = folded.get(key);
  if (result === undefined) {
    result = key.replace(SEPARATORS, "").toLowerCase();
    if (folded.size >= FOLD_CACHE_LIMIT) folded.clear();
    folded.set(key, result);
  }
  return result;
}

/** A set of canonical names, looked up by folded spelling. */
export function canonicalNames<const T extends string>(names: readonly T[]): ReadonlyMap<string, T> {
  return new Map(names.map((name) => [foldKey(name), name]));
}

export interface Renamed {
  readonly object: JsonObject;
  /** Canonical names that more than one key spelled; the exact canonical spelling won. */
  readonly conflicts: readonly string[];
}

/**
 * Copies `input`, renaming keys that fold to a canonical name to that name; other keys stay as
 * sent. When two keys name one canonical key, the one spelled exactly canonically wins, and
 * otherwise the first in the payload's order; each such clash is reported once.
 */
export function renameToCanonical(input: JsonObject, names: ReadonlyMap<string, string>): Renamed {
  const object = emptyObject();
  const conflicts = new Set<string>();
  for (const key of Object.keys(input)) {
    const value = input[key] as JsonValue;
    const canonical = names.get(foldKey(key));
    if (canonical === undefined) {
      object[key] = value;
      continue;
    }
    if (Object.hasOwn(object, canonical)) {
      conflicts.add(canonical);
      if (key !== canonical) continue;
    }
    object[canonical] = value;
  }
  return { object, conflicts: [...conflicts] };
}

/** The value under the first key that folds to `canonical`, preferring the exact spelling. */
export function findByFoldedKey(input: JsonObject, canonical: string): JsonValue | undefined {
  if (Object.hasOwn(input, canonical)) return input[canonical];
  const folded = foldKey(canonical);
  for (const key of Object.keys(input)) {
    if (foldKey(key) === folded) return input[key];
  }
  return undefined;
}

import { emptyObject, entriesOf, type JsonObject, type JsonValue } from "./json.js";

/** `created_at`, `CreatedAt`, `CREATED-AT`, `created at` all fold to `createdat`. */
export function foldKey(key: string): string {
  return key.replace(/[_\- ]/g, "").toLowerCase();
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
  for (const [key, value] of entriesOf(input)) {
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

import { readdirSync, readFileSync } from "node:fs";
import type { JsonObject } from "../../src/events/json.js";

const SPEC_DIR = new URL("../fixtures/spec/", import.meta.url);

/** A spec example's text as printed in customerio-group-spec.txt. */
export function specExampleText(name: string): string {
  return readFileSync(new URL(name, SPEC_DIR), "utf8");
}

/**
 * Every spec example as a routable payload: comments removed, and the type its API endpoint
 * implies added where the printed body has none.
 */
export function specExamplePayloads(): JsonObject[] {
  return readdirSync(SPEC_DIR).map((file) => {
    const payload = JSON.parse(specExampleText(file).replace(/^\s*\/\/.*$/gm, "")) as JsonObject;
    return { type: "event" in payload ? "track" : "group", ...payload };
  });
}

/** Keys sorted at every level, so records compare whatever order their fields were built in. */
export function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value === "object" && value !== null && !JSON.isRawJSON(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** Records as sorted canonical JSON lines: two sets of records compare whatever their order. */
export function canonicalRecords(records: readonly unknown[]): string[] {
  return records.map((record) => JSON.stringify(sortedKeys(record))).sort();
}

import type { Destination } from "../core/destination.js";
import type { Warning } from "../core/outcome.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../events/json.js";

/**
 * An entry's meaning: `false` disables, `true` or an options object enables. Other values
 * are read by their evident intent, with a warning: `"false"` (any case) and `0` disable, `"true"`
 * and `1` enable; `null` counts as no entry at all; anything else (`"no"`, `2`, an array) enables,
 * as in Segment, where only `false` turns a destination off.
 */
function entryEnables(value: JsonValue | undefined, key: string, warnings: Warning[]): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "boolean") return value;
  if (isJsonObject(value)) return true;
  const text = JSON.stringify(value);
  const disables = value === 0 || (typeof value === "string" && value.trim().toLowerCase() === "false");
  const meaning = value === null ? "ignored" : disables ? "read as false" : "read as true";
  warnings.push({
    code: "invalid_integration_setting",
    message: `integrations.${key} is ${text.slice(0, 40)}, not a boolean or an options object; ${meaning}`,
  });
  if (value === null) return undefined;
  return !disables;
}

/** Who an `integrations` key names: the destinations (by index) and how strongly (lower wins). */
type Targets = Array<readonly [index: number, rank: number]>;

/**
 * The destinations an event's `integrations` allows, among those enabled. An entry names a
 * destination by display name, one of its Segment names (`Customer.io (Actions)`, `Warehouses`)
 * or its id, case-insensitively. Destinations without an entry follow `All` (default true):
 * `{"All": false, "Customer.io": true}` routes only to Customer.io, `{"Mixpanel": false}`
 * everywhere but Mixpanel. When several entries name one destination, the display name wins,
 * then the Segment names in the order the destination lists them, then the id; among keys that
 * differ only in case, the first.
 */
export function integrationsFilter(
  enabled: readonly Destination[],
): (integrations: JsonObject | undefined, warnings: Warning[]) => Destination[] {
  // Built once per pipeline: an event's keys are looked up, never compared with every name.
  const names = new Map<string, Targets>();
  enabled.forEach((destination, index) => {
    [destination.displayName, ...destination.segmentNames, destination.id].forEach((name, rank) => {
      const lower = name.toLowerCase();
      const targets = names.get(lower) ?? [];
      if (!targets.some(([known]) => known === index)) targets.push([index, rank]);
      names.set(lower, targets);
    });
  });
  return (integrations, warnings) => {
    if (integrations === undefined) return [...enabled];
    let all: boolean | undefined;
    const decisions: Array<boolean | undefined> = new Array(enabled.length);
    const ranks: number[] = new Array(enabled.length).fill(Number.POSITIVE_INFINITY);
    const seen = new Set<string>();
    for (const key of Object.keys(integrations)) {
      const lower = key.toLowerCase();
      if (seen.has(lower)) continue;
      seen.add(lower);
      const targets = lower === "all" ? undefined : names.get(lower);
      if (lower !== "all" && targets === undefined) continue;
      const decision = entryEnables(integrations[key], key, warnings);
      if (decision === undefined) continue;
      if (targets === undefined) {
        all = decision;
        continue;
      }
      for (const [index, rank] of targets) {
        if (rank < (ranks[index] ?? Number.POSITIVE_INFINITY)) {
          ranks[index] = rank;
          decisions[index] = decision;
        }
      }
    }
    return enabled.filter((_, index) => decisions[index] ?? all ?? true);
  };
}

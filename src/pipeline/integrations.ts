import type { Destination } from "../destinations/destination.js";
import { entriesOf, type JsonObject } from "../events/json.js";

/**
 * The destinations an event's `integrations` allows, among those enabled. An entry names a
 * destination by display name or id, case-insensitively; `false` disables it and anything else
 * (`true`, an options object) enables it. Destinations without an entry follow `All` (default
 * true): `{"All": false, "Customer.io": true}` routes only to Customer.io, `{"Mixpanel": false}`
 * everywhere but Mixpanel.
 */
export function allowedDestinations(
  integrations: JsonObject | undefined,
  enabled: readonly Destination[],
): Destination[] {
  if (integrations === undefined) return [...enabled];
  const entries = new Map<string, boolean>();
  for (const [name, value] of entriesOf(integrations)) entries.set(name.toLowerCase(), value !== false);
  const all = entries.get("all") ?? true;
  return enabled.filter((destination) => {
    const byName = entries.get(destination.displayName.toLowerCase());
    const byId = entries.get(destination.id.toLowerCase());
    return byName ?? byId ?? all;
  });
}

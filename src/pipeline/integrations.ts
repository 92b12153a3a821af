import type { Destination } from "../destinations/destination.js";
import type { JsonObject } from "../events/json.js";

/**
 * The destinations an event's `integrations` allows, among those enabled. An entry names a
 * destination by display name or id, case-insensitively; `false` disables it and anything else
 * (`true`, an options object) enables it. Destinations without an entry follow `All` (default
 * true): `{"All": false, "Customer.io": true}` routes only to Customer.io, `{"Mixpanel": false}`
 * everywhere but Mixpanel. A display-name entry wins over an id entry.
 */
export function allowedDestinations(
  integrations: JsonObject | undefined,
  enabled: readonly Destination[],
): Destination[] {
  if (integrations === undefined) return [...enabled];
  const keys = Object.keys(integrations);
  const setting = (name: string): boolean | undefined => {
    const wanted = name.toLowerCase();
    for (const key of keys) {
      if (key.toLowerCase() === wanted) return integrations[key] !== false;
    }
    return undefined;
  };
  const all = setting("All") ?? true;
  return enabled.filter((destination) => setting(destination.displayName) ?? setting(destination.id) ?? all);
}

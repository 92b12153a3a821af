import { toIso } from "../events/dates.js";
import { emptyObject, type JsonObject, type JsonValue } from "../events/json.js";
import type { NormalisedEvent } from "../events/types.js";
import type { PipelineConfig } from "../pipeline/config.js";
import type { Destination, DestinationOutput } from "./destination.js";
import { objectRecord } from "./envelope.js";

export const MIXPANEL_TOPIC = "cdp.dest.mixpanel";

function groupKey(event: NormalisedEvent, config: PipelineConfig): string {
  return config.destinations.mixpanel.groupKeys[event.object.objectTypeId] ?? event.object.objectTypeName;
}

/** Group profile `$set`: the traits, with name as `$name` and createdAt as `$created` (ISO-8601 UTC). */
function groupProperties(event: Extract<NormalisedEvent, { kind: "group_upsert" }>): JsonObject {
  const properties = emptyObject();
  for (const key of Object.keys(event.traits)) {
    if (key === "createdAt") continue;
    properties[key === "name" ? "$name" : key] = event.traits[key] as JsonValue;
  }
  if (event.createdAt !== undefined) properties.$created = toIso(event.createdAt);
  return properties;
}

function update(
  event: NormalisedEvent,
  config: PipelineConfig,
  fields: { profile: "group" | "user"; operation: string; distinct_id: string | null; properties: JsonObject | null },
): DestinationOutput {
  return objectRecord(event, MIXPANEL_TOPIC, {
    ...fields,
    group_key: groupKey(event, config),
    group_id: event.object.objectId,
  });
}

/**
 * Mixpanel group profiles. A group call `$set`s the group profile and, when a userId is known,
 * `$union`s the group into the user's list under the group key: `$set` would replace the user's
 * other groups (RudderStack's mistake).
 */
export const mixpanel: Destination = {
  id: "mixpanel",
  displayName: "Mixpanel",
  topics: [MIXPANEL_TOPIC],
  map(event, config): readonly DestinationOutput[] {
    const key = groupKey(event, config);
    const { userId } = event.envelope;
    switch (event.kind) {
      case "group_upsert": {
        const outputs = [
          update(event, config, {
            profile: "group",
            operation: "$set",
            distinct_id: null,
            properties: groupProperties(event),
          }),
        ];
        if (userId !== undefined) {
          const union = emptyObject();
          union[key] = [event.object.objectId];
          outputs.push(
            update(event, config, { profile: "user", operation: "$union", distinct_id: userId, properties: union }),
          );
        }
        return outputs;
      }
      case "delete_object":
        return [update(event, config, { profile: "group", operation: "$delete", distinct_id: null, properties: null })];
      case "delete_relationship": {
        if (userId === undefined) {
          return [
            {
              kind: "unsupported",
              message: "Mixpanel user profiles are keyed by userId; this call names only an anonymousId",
            },
          ];
        }
        const remove = emptyObject();
        remove[key] = event.object.objectId;
        return [
          update(event, config, { profile: "user", operation: "$remove", distinct_id: userId, properties: remove }),
        ];
      }
    }
  },
};

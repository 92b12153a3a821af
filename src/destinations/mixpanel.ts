import { toIso } from "../events/dates.js";
import { emptyObject, type JsonObject, type JsonValue } from "../events/json.js";
import type { NormalisedEvent } from "../events/types.js";
import type { PipelineConfig } from "../pipeline/config.js";
import type { Warning } from "../pipeline/outcome.js";
import type { Destination, DestinationOutput } from "./destination.js";
import { objectRecord } from "./envelope.js";

export const MIXPANEL_TOPIC = "cdp.dest.mixpanel";

function groupKey(event: NormalisedEvent, config: PipelineConfig): string {
  return config.destinations.mixpanel.groupKeys[event.object.objectTypeId] ?? event.object.objectTypeName;
}

/**
 * Group profile `$set`: the traits, with name as `$name` and createdAt as `$created` (ISO-8601
 * UTC; null clears it). When a trait is also sent under Mixpanel's own name (`$name` beside
 * `name`), the reserved trait wins whatever the key order, with a `trait_conflict` warning.
 */
function groupProperties(event: Extract<NormalisedEvent, { kind: "group_upsert" }>, warnings: Warning[]): JsonObject {
  const { traits } = event;
  const properties = emptyObject();
  const hasName = Object.hasOwn(traits, "name");
  const hasCreated = event.createdAt !== undefined;
  for (const key of Object.keys(traits)) {
    if (key === "createdAt") continue;
    if ((key === "$name" && hasName) || (key === "$created" && hasCreated)) {
      warnings.push({
        code: "trait_conflict",
        message: `Mixpanel: ${key} was sent beside the trait it stands for (${key === "$name" ? "name" : "createdAt"}); the trait was kept`,
      });
      continue;
    }
    properties[key === "name" ? "$name" : key] = traits[key] as JsonValue;
  }
  if (event.createdAt !== undefined) properties.$created = event.createdAt === null ? null : toIso(event.createdAt);
  return properties;
}

function update(
  event: NormalisedEvent,
  config: PipelineConfig,
  fields: { profile: "group" | "user"; operation: string; distinct_id: string | null; properties: JsonObject | null },
  warnings: readonly Warning[] = [],
): DestinationOutput {
  const record = { ...fields, group_key: groupKey(event, config), group_id: event.object.objectId };
  return objectRecord(event, MIXPANEL_TOPIC, record, warnings);
}

/**
 * Mixpanel group profiles. A group call `$set`s the group profile and, when a userId is known,
 * `$union`s the group into the user's list under the group key: `$set` would replace the user's
 * other groups (RudderStack's mistake).
 */
export const mixpanel: Destination = {
  id: "mixpanel",
  displayName: "Mixpanel",
  segmentNames: ["Mixpanel (Actions)", "Actions Mixpanel"],
  topics: [MIXPANEL_TOPIC],
  map(event, config): readonly DestinationOutput[] {
    const key = groupKey(event, config);
    const { userId } = event.envelope;
    switch (event.kind) {
      case "group_upsert": {
        const warnings: Warning[] = [];
        const properties = groupProperties(event, warnings);
        const outputs = [
          update(event, config, { profile: "group", operation: "$set", distinct_id: null, properties }, warnings),
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

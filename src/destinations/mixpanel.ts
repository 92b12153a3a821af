import type { Destination, DestinationOutput } from "../core/destination.js";
import type { Warning } from "../core/outcome.js";
import { checkKeys, section } from "../core/settings.js";
import { toIso } from "../events/dates.js";
import { emptyObject, type JsonObject, type JsonValue } from "../events/json.js";
import { parseObjectTypeId } from "../events/object-type-id.js";
import type { NormalisedEvent } from "../events/types.js";
import { objectRecord, recordEnvelope } from "./envelope.js";

export const MIXPANEL_TOPIC = "cdp.dest.mixpanel";

export interface MixpanelSettings {
  /** objectTypeId to the Mixpanel group key, where it differs from the object type's name. */
  readonly groupKeys: Readonly<Record<string, string>>;
}

function parseSettings(input: Readonly<Record<string, unknown>>, path: string, problems: string[]): MixpanelSettings {
  checkKeys(`${path}.`, input, ["groupKeys"], problems);
  const groupKeys: Record<string, string> = {};
  for (const [id, key] of Object.entries(section(`${path}.groupKeys`, input.groupKeys, problems))) {
    if (parseObjectTypeId(id) !== id) problems.push(`${path}.groupKeys: "${id}" is not an objectTypeId`);
    else if (typeof key !== "string" || key.trim() === "")
      problems.push(`${path}.groupKeys.${id} must be a non-empty name`);
    else groupKeys[id] = key;
  }
  return { groupKeys };
}

function groupKey(event: NormalisedEvent, settings: MixpanelSettings): string {
  return settings.groupKeys[event.object.objectTypeId] ?? event.object.objectTypeName;
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
  for (const key of event.traitNames) {
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
  settings: MixpanelSettings,
  fields: { profile: "group" | "user"; operation: string; distinct_id: string | null; properties: JsonObject | null },
  warnings: readonly Warning[] = [],
): DestinationOutput {
  const record = {
    ...recordEnvelope(event),
    profile: fields.profile,
    operation: fields.operation,
    distinct_id: fields.distinct_id,
    properties: fields.properties,
    group_key: groupKey(event, settings),
    group_id: event.object.objectId,
  };
  return objectRecord(event, MIXPANEL_TOPIC, record, warnings);
}

/**
 * Mixpanel group profiles. A group call `$set`s the group profile and, when a userId is known,
 * `$union`s the group into the user's list under the group key: `$set` would replace the user's
 * other groups (RudderStack's mistake).
 */
export const mixpanel: Destination<MixpanelSettings> = {
  id: "mixpanel",
  displayName: "Mixpanel",
  segmentNames: ["Mixpanel (Actions)", "Actions Mixpanel"],
  topics: [MIXPANEL_TOPIC],
  parseSettings,
  map(event, settings): readonly DestinationOutput[] {
    const key = groupKey(event, settings);
    const { userId } = event.envelope;
    switch (event.kind) {
      case "group_upsert": {
        const warnings: Warning[] = [];
        const properties = groupProperties(event, warnings);
        const outputs = [
          update(event, settings, { profile: "group", operation: "$set", distinct_id: null, properties }, warnings),
        ];
        if (userId !== undefined) {
          const union = emptyObject();
          union[key] = [event.object.objectId];
          outputs.push(
            update(event, settings, { profile: "user", operation: "$union", distinct_id: userId, properties: union }),
          );
        }
        return outputs;
      }
      case "delete_object":
        return [
          update(event, settings, { profile: "group", operation: "$delete", distinct_id: null, properties: null }),
        ];
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
          update(event, settings, { profile: "user", operation: "$remove", distinct_id: userId, properties: remove }),
        ];
      }
    }
  },
};

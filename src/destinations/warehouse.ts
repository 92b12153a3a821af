import { isJsonObject, type JsonObject, type JsonValue } from "../events/json.js";
import type { GroupUpsert, NormalisedEvent } from "../events/types.js";
import type { Destination, DestinationOutput } from "./destination.js";
import { membershipKey, objectKey, recordEnvelope } from "./envelope.js";
import { integerOf, textOf } from "./values.js";

export const WAREHOUSE_GROUPS_TOPIC = "cdp.dest.warehouse.groups";
export const WAREHOUSE_MEMBERSHIPS_TOPIC = "cdp.dest.warehouse.memberships";

/** Text columns and the reserved trait each comes from. */
const TEXT_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ["name", "name"],
  ["email", "email"],
  ["phone", "phone"],
  ["website", "website"],
  ["industry", "industry"],
  ["plan", "plan"],
  ["description", "description"],
  ["avatar", "avatar"],
  ["trait_id", "id"],
];

const ADDRESS_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ["address_street", "street"],
  ["address_city", "city"],
  ["address_state", "state"],
  ["address_postal_code", "postalCode"],
  ["address_country", "country"],
];

function groupRow(
  event: NormalisedEvent,
  traits: JsonObject | null,
  createdAt: number | undefined,
  deleted: boolean,
): JsonObject {
  const source = traits ?? {};
  const address = isJsonObject(source.address) ? source.address : {};
  const row: JsonObject = {
    ...recordEnvelope(event),
    object_type_id: event.object.objectTypeId,
    object_id: event.object.objectId,
    object_type_name: event.object.objectTypeName,
  };
  for (const [column, trait] of TEXT_COLUMNS) row[column] = textOf(source[trait] as JsonValue | undefined);
  row.employees = integerOf(source.employees as JsonValue | undefined);
  row.created_at = createdAt ?? null;
  for (const [column, field] of ADDRESS_COLUMNS) row[column] = textOf(address[field] as JsonValue | undefined);
  row.traits_json = traits;
  row.deleted = deleted;
  return row;
}

function membershipRow(
  event: NormalisedEvent,
  relationshipAttributes: JsonObject | null,
  deleted: boolean,
): JsonObject {
  return {
    ...recordEnvelope(event),
    object_type_id: event.object.objectTypeId,
    object_id: event.object.objectId,
    user_id: event.envelope.userId ?? null,
    anonymous_id: event.envelope.anonymousId ?? null,
    relationship_attributes: relationshipAttributes,
    deleted,
  };
}

function record(topic: string, key: string, value: JsonObject | null): DestinationOutput {
  return { kind: "record", topic, key, value };
}

function upsert(event: GroupUpsert): DestinationOutput[] {
  const outputs = [
    record(WAREHOUSE_GROUPS_TOPIC, objectKey(event), groupRow(event, event.traits, event.createdAt, false)),
  ];
  const key = membershipKey(event);
  if (key !== undefined) {
    outputs.push(
      record(WAREHOUSE_MEMBERSHIPS_TOPIC, key, membershipRow(event, event.relationshipAttributes ?? null, false)),
    );
  }
  return outputs;
}

/**
 * Rows for Kafka Connect sinks that upsert by key: one per object, one per membership. A
 * deletion is a row with `deleted = true` (for sinks that keep history) followed by a tombstone
 * for the same key (for sinks with delete.enabled, which remove the row).
 */
export const warehouse: Destination = {
  id: "warehouse",
  displayName: "Warehouse",
  topics: [WAREHOUSE_GROUPS_TOPIC, WAREHOUSE_MEMBERSHIPS_TOPIC],
  map(event): readonly DestinationOutput[] {
    switch (event.kind) {
      case "group_upsert":
        return upsert(event);
      case "delete_object": {
        const key = objectKey(event);
        return [
          record(WAREHOUSE_GROUPS_TOPIC, key, groupRow(event, null, undefined, true)),
          record(WAREHOUSE_GROUPS_TOPIC, key, null),
        ];
      }
      case "delete_relationship": {
        const key = membershipKey(event) ?? objectKey(event);
        return [
          record(WAREHOUSE_MEMBERSHIPS_TOPIC, key, membershipRow(event, null, true)),
          record(WAREHOUSE_MEMBERSHIPS_TOPIC, key, null),
        ];
      }
    }
  },
};

import type { Destination, DestinationOutput } from "../core/destination.js";
import type { Warning } from "../core/outcome.js";
import { isJsonObject, type JsonObject } from "../events/json.js";
import type { GroupUpsert, NormalisedEvent } from "../events/types.js";
import { membershipKey, objectKey, recordEnvelope } from "./envelope.js";
import { textField, type WholeNumberField, wholeNumberOf } from "./values.js";

export const WAREHOUSE_GROUPS_TOPIC = "cdp.dest.warehouse.groups";
export const WAREHOUSE_MEMBERSHIPS_TOPIC = "cdp.dest.warehouse.memberships";

/** A text column, the trait it comes from, and its name in warnings. */
type Column = readonly [column: string, trait: string, label: string];
const column = (name: string, trait: string): Column => [name, trait, `warehouse ${name}`];

const TEXT_COLUMNS: readonly Column[] = [
  column("name", "name"),
  column("email", "email"),
  column("phone", "phone"),
  column("website", "website"),
  column("industry", "industry"),
  column("plan", "plan"),
  column("description", "description"),
  column("avatar", "avatar"),
  column("trait_id", "id"),
];

const ADDRESS_COLUMNS: readonly Column[] = [
  column("address_street", "street"),
  column("address_city", "city"),
  column("address_state", "state"),
  column("address_postal_code", "postalCode"),
  column("address_country", "country"),
];

const EMPLOYEES: WholeNumberField = { field: "warehouse employees", rounding: "round" };

function groupRow(
  event: NormalisedEvent,
  traits: JsonObject | null,
  createdAt: number | null | undefined,
  deleted: boolean,
  warnings: Warning[] = [],
): JsonObject {
  const source = traits ?? {};
  const address = isJsonObject(source.address) ? source.address : {};
  const row: JsonObject = {
    ...recordEnvelope(event),
    object_type_id: event.object.objectTypeId,
    object_id: event.object.objectId,
    object_type_name: event.object.objectTypeName,
  };
  for (const [column, trait, label] of TEXT_COLUMNS) row[column] = textField(source[trait], label, warnings);
  row.employees = wholeNumberOf(source.employees, EMPLOYEES, warnings);
  row.created_at = createdAt ?? null;
  for (const [column, field, label] of ADDRESS_COLUMNS) row[column] = textField(address[field], label, warnings);
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

function record(topic: string, key: string, value: JsonObject | null, warnings: Warning[] = []): DestinationOutput {
  return { kind: "record", topic, key, value, ...(warnings.length > 0 ? { warnings } : {}) };
}

function upsert(event: GroupUpsert): DestinationOutput[] {
  const warnings: Warning[] = [];
  const row = groupRow(event, event.traits, event.createdAt, false, warnings);
  const outputs = [record(WAREHOUSE_GROUPS_TOPIC, objectKey(event), row, warnings)];
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
  segmentNames: ["Warehouses", "Data Warehouse"],
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

import type { Destination, DestinationOutput } from "../core/destination.js";
import type { Warning } from "../core/outcome.js";
import { isJsonObject, type JsonObject } from "../events/json.js";
import type { GroupUpsert, NormalisedEvent } from "../events/types.js";
import { membershipKey, objectKey, recordEnvelope } from "./envelope.js";
import { textField, type WholeNumberField, wholeNumberOf } from "./values.js";

export const WAREHOUSE_GROUPS_TOPIC = "cdp.dest.warehouse.groups";
export const WAREHOUSE_MEMBERSHIPS_TOPIC = "cdp.dest.warehouse.memberships";

const EMPLOYEES: WholeNumberField = { field: "warehouse employees", rounding: "round" };

/**
 * The row in one object literal, columns in the schema's order: an object built column by column
 * (27 of them, through computed names) left V8's fast properties for a dictionary, which cost the
 * warehouse a twentieth of the pipeline to build and the Avro writer more to read. A value that a
 * column cannot hold is left out with a warning, in column order (the literal's order of evaluation).
 */
function groupRow(
  event: NormalisedEvent,
  traits: JsonObject | null,
  createdAt: number | null | undefined,
  deleted: boolean,
  warnings: Warning[] = [],
): JsonObject {
  const source = traits ?? {};
  const address = isJsonObject(source.address) ? source.address : {};
  const { object } = event;
  return {
    ...recordEnvelope(event),
    object_type_id: object.objectTypeId,
    object_id: object.objectId,
    object_type_name: object.objectTypeName,
    name: textField(source.name, "warehouse name", warnings),
    email: textField(source.email, "warehouse email", warnings),
    phone: textField(source.phone, "warehouse phone", warnings),
    website: textField(source.website, "warehouse website", warnings),
    industry: textField(source.industry, "warehouse industry", warnings),
    plan: textField(source.plan, "warehouse plan", warnings),
    description: textField(source.description, "warehouse description", warnings),
    avatar: textField(source.avatar, "warehouse avatar", warnings),
    trait_id: textField(source.id, "warehouse trait_id", warnings),
    employees: wholeNumberOf(source.employees, EMPLOYEES, warnings),
    created_at: createdAt ?? null,
    address_street: textField(address.street, "warehouse address_street", warnings),
    address_city: textField(address.city, "warehouse address_city", warnings),
    address_state: textField(address.state, "warehouse address_state", warnings),
    address_postal_code: textField(address.postalCode, "warehouse address_postal_code", warnings),
    address_country: textField(address.country, "warehouse address_country", warnings),
    traits_json: traits,
    deleted,
  };
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

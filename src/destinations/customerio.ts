import type { Destination, DestinationOutput } from "../core/destination.js";
import { toUnixSeconds } from "../events/dates.js";
import { isEmailLike } from "../events/ids.js";
import { emptyObject, isJsonObject, type JsonObject, type JsonValue } from "../events/json.js";
import type { Envelope, GroupUpsert, NormalisedEvent } from "../events/types.js";
import { objectKey, recordEnvelope } from "./envelope.js";

export const CUSTOMERIO_TOPIC = "cdp.dest.customerio";

/**
 * How Customer.io's Track API v2 names a person: `cio_<id>` is a Customer.io id, an email-like
 * userId an email, any other userId an id; with only an anonymousId, that.
 */
export function personIdentifiers(envelope: Envelope): JsonObject | undefined {
  const { userId, anonymousId } = envelope;
  if (userId !== undefined) {
    // "cio_" alone names no Customer.io id (an empty cio_id is invalid): it is an ordinary id.
    const cioId = userId.startsWith("cio_") ? userId.slice("cio_".length) : "";
    if (cioId.trim() !== "") return { cio_id: cioId };
    return isEmailLike(userId) ? { email: userId } : { id: userId };
  }
  return anonymousId === undefined ? undefined : { anonymous_id: anonymousId };
}

/** The object's attributes: the traits as sent, but createdAt as `created_at` in Unix seconds. */
function attributes(event: GroupUpsert): JsonObject {
  const result = emptyObject();
  for (const key of event.traitNames) {
    if (key !== "createdAt") result[key] = event.traits[key] as JsonValue;
  }
  if (event.createdAt !== undefined)
    result.created_at = event.createdAt === null ? null : toUnixSeconds(event.createdAt);
  return result;
}

function relationships(event: NormalisedEvent, relationshipAttributes: JsonObject | undefined): JsonObject[] {
  const person = personIdentifiers(event.envelope);
  return person === undefined ? [] : [{ identifiers: person, relationship_attributes: relationshipAttributes ?? null }];
}

/** The entity in one literal (envelope fields, then the entity's own), in the schema's order. */
function entityRecord(
  event: NormalisedEvent,
  action: string,
  attributes: JsonObject | null,
  cioRelationships: JsonObject[],
): JsonObject {
  return {
    ...recordEnvelope(event),
    type: "object",
    identifiers: { object_type_id: event.object.objectTypeId, object_id: event.object.objectId },
    action,
    attributes,
    cio_relationships: cioRelationships,
  };
}

function entity(event: NormalisedEvent): JsonObject {
  switch (event.kind) {
    case "group_upsert": {
      const anonymousOnly = event.envelope.userId === undefined && event.envelope.anonymousId !== undefined;
      const action = anonymousOnly ? "identify_anonymous" : "identify";
      return entityRecord(event, action, attributes(event), relationships(event, event.relationshipAttributes));
    }
    case "delete_object":
      return entityRecord(event, "delete", null, []);
    case "delete_relationship":
      return entityRecord(event, "delete_relationships", null, relationships(event, undefined));
  }
}

/** Customer.io's documented limits; it answers 200 to an oversized request and drops it, so they are checked here. */
export const CUSTOMERIO_LIMITS = {
  idBytes: 150,
  attributeNameBytes: 150,
  attributeValueBytes: 1000,
  attributes: 300,
  entityBytes: 32 * 1024,
} as const;

const utf8Length = (text: string) => Buffer.byteLength(text, "utf8");
/** A UTF-16 unit is at most 3 UTF-8 bytes: short strings are measured without encoding them. */
const overBytes = (text: string, limit: number) => text.length * 3 > limit && utf8Length(text) > limit;

/** What the API would receive: the entity without the router's own envelope fields. */
function apiBody(value: JsonObject): string {
  return JSON.stringify({
    type: value.type,
    action: value.action,
    identifiers: value.identifiers,
    attributes: value.attributes ?? undefined,
    cio_relationships: value.cio_relationships,
  });
}

/**
 * Everything in the entity comes from the raw event, re-serialised: strings never grow (JSON.stringify
 * escapes only what the raw JSON had to escape, never longer), key names never grow (a canonical
 * reserved name is a spelling without separators), and numbers keep the literal they were sent as
 * (a double that would print longer, `1e20`, travels as its source text). A factor of 5 is kept
 * as a margin all the same, plus a fixed envelope. Below this many raw bytes the whole entity
 * cannot reach 32 KB, and serialising it to find out is skipped (it cost 8% of the pipeline).
 */
const ENTITY_CHECK_FROM_RAW_BYTES = Math.floor((CUSTOMERIO_LIMITS.entityBytes - 1024) / 5);

/** The first limit a set of attributes breaks (names, values, count), in words, or undefined. */
function attributesBreach(attributes: JsonObject, what: string): string | undefined {
  const limits = CUSTOMERIO_LIMITS;
  const names = Object.keys(attributes);
  if (names.length > limits.attributes) return `${names.length} ${what}s; at most ${limits.attributes}`;
  for (const name of names) {
    if (overBytes(name, limits.attributeNameBytes))
      return `${what} name ${JSON.stringify(name.slice(0, 40))}... is over ${limits.attributeNameBytes} bytes`;
    const attribute = attributes[name];
    // Plain numbers, booleans and null print in at most 24 bytes: only strings, structures and
    // exact number literals (which keep every digit sent) can pass 1000.
    if (typeof attribute !== "string" && (typeof attribute !== "object" || attribute === null)) continue;
    if (typeof attribute === "string" && !overBytes(attribute, limits.attributeValueBytes)) continue;
    const size = typeof attribute === "string" ? utf8Length(attribute) : utf8Length(JSON.stringify(attribute));
    if (size > limits.attributeValueBytes)
      return `${what} ${JSON.stringify(name.slice(0, 40))} is ${size} bytes; at most ${limits.attributeValueBytes}`;
  }
  return undefined;
}

/** The first limit the entity breaks, in words, or undefined. */
export function customerioLimitBreach(event: NormalisedEvent, value: JsonObject): string | undefined {
  const limits = CUSTOMERIO_LIMITS;
  if (overBytes(event.object.objectId, limits.idBytes)) return `object_id is over ${limits.idBytes} bytes`;
  const breach = attributesBreach((value.attributes ?? {}) as JsonObject, "attribute");
  if (breach !== undefined) return breach;
  // The person and the relationship attributes are held to the same limits as the object's.
  for (const relationship of (value.cio_relationships ?? []) as JsonObject[]) {
    const identifiers = (relationship.identifiers ?? {}) as JsonObject;
    for (const name of Object.keys(identifiers)) {
      const id = identifiers[name];
      if (typeof id === "string" && overBytes(id, limits.idBytes))
        return `the person's ${name} is over ${limits.idBytes} bytes`;
    }
    const attributes = relationship.relationship_attributes;
    if (isJsonObject(attributes)) {
      const relationshipBreach = attributesBreach(attributes, "relationship attribute");
      if (relationshipBreach !== undefined) return relationshipBreach;
    }
  }
  if (event.envelope.rawBytes < ENTITY_CHECK_FROM_RAW_BYTES) return undefined;
  const size = utf8Length(apiBody(value));
  if (size > limits.entityBytes) return `the entity is ${size} bytes; at most ${limits.entityBytes}`;
  return undefined;
}

/** Customer.io Track API v2 object entities (`type: "object"`). */
export const customerio: Destination = {
  id: "customerio",
  displayName: "Customer.io",
  segmentNames: ["Customer.io (Actions)", "Customer.io Actions", "Actions Customerio", "Customer.io Data Pipelines"],
  topics: [CUSTOMERIO_TOPIC],
  map(event): readonly DestinationOutput[] {
    const value = entity(event);
    const breach = customerioLimitBreach(event, value);
    if (breach !== undefined)
      return [{ kind: "refused", code: "destination_limit", message: `Customer.io: ${breach}` }];
    return [{ kind: "record", topic: CUSTOMERIO_TOPIC, key: objectKey(event), value }];
  },
};

import { toUnixSeconds } from "../events/dates.js";
import { isEmailLike } from "../events/ids.js";
import { emptyObject, type JsonObject, type JsonValue } from "../events/json.js";
import type { Envelope, GroupUpsert, NormalisedEvent } from "../events/types.js";
import type { Destination, DestinationOutput } from "./destination.js";
import { objectKey, recordEnvelope } from "./envelope.js";

export const CUSTOMERIO_TOPIC = "cdp.dest.customerio";

/**
 * How Customer.io's Track API v2 names a person: `cio_<id>` is a Customer.io id, an email-like
 * userId an email, any other userId an id; with only an anonymousId, that.
 */
export function personIdentifiers(envelope: Envelope): JsonObject | undefined {
  const { userId, anonymousId } = envelope;
  if (userId !== undefined) {
    if (userId.startsWith("cio_")) return { cio_id: userId.slice("cio_".length) };
    return isEmailLike(userId) ? { email: userId } : { id: userId };
  }
  return anonymousId === undefined ? undefined : { anonymous_id: anonymousId };
}

/** The object's attributes: the traits as sent, but createdAt as `created_at` in Unix seconds. */
function attributes(event: GroupUpsert): JsonObject {
  const result = emptyObject();
  for (const key of Object.keys(event.traits)) {
    if (key !== "createdAt") result[key] = event.traits[key] as JsonValue;
  }
  if (event.createdAt !== undefined) result.created_at = toUnixSeconds(event.createdAt);
  return result;
}

function relationships(event: GroupUpsert): JsonObject[] {
  const person = personIdentifiers(event.envelope);
  if (person === undefined) return [];
  const relationship: JsonObject = { identifiers: person };
  if (event.relationshipAttributes !== undefined) relationship.relationship_attributes = event.relationshipAttributes;
  return [relationship];
}

function entity(event: NormalisedEvent): JsonObject {
  const identifiers: JsonObject = { object_type_id: event.object.objectTypeId, object_id: event.object.objectId };
  const base = { ...recordEnvelope(event), type: "object", identifiers };
  switch (event.kind) {
    case "group_upsert": {
      const anonymousOnly = event.envelope.userId === undefined && event.envelope.anonymousId !== undefined;
      return {
        ...base,
        action: anonymousOnly ? "identify_anonymous" : "identify",
        attributes: attributes(event),
        cio_relationships: relationships(event),
      };
    }
    case "delete_object":
      return { ...base, action: "delete" };
    case "delete_relationship": {
      const person = personIdentifiers(event.envelope);
      return { ...base, action: "delete_relationships", cio_relationships: person ? [{ identifiers: person }] : [] };
    }
  }
}

/** Customer.io Track API v2 object entities (`type: "object"`). */
export const customerio: Destination = {
  id: "customerio",
  displayName: "Customer.io",
  topics: [CUSTOMERIO_TOPIC],
  map(event): readonly DestinationOutput[] {
    return [{ kind: "record", topic: CUSTOMERIO_TOPIC, key: objectKey(event), value: entity(event) }];
  },
};

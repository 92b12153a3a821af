import type { DestinationOutput } from "../core/destination.js";
import type { Warning } from "../core/outcome.js";
import type { JsonObject } from "../events/json.js";
import type { NormalisedEvent } from "../events/types.js";

/** Fields every destination record carries: message id, times (epoch ms) and provenance. */
export function recordEnvelope(event: NormalisedEvent): JsonObject {
  const { envelope } = event;
  return {
    message_id: envelope.messageId ?? null,
    event_time: envelope.eventTime,
    received_at: envelope.receivedAt,
    source_topic: envelope.provenance.topic,
    source_partition: envelope.provenance.partition,
    source_offset: Number(envelope.provenance.offset),
  };
}

/** The record key the contract fixes: every record about one object lands in one partition. */
export function objectKey(event: NormalisedEvent): string {
  return `${event.object.objectTypeId}:${event.object.objectId}`;
}

/** `%` and `:` escaped as `%25` and `%3A`: the rest of the id stays as it is. */
function keyPart(id: string): string {
  return id.includes("%") || id.includes(":") ? id.replace(/%/g, "%25").replace(/:/g, "%3A") : id;
}

/**
 * A key that also names the person, for records about one membership:
 * `<objectTypeId>:<objectId>:user:<userId>` or `...:anonymous:<anonymousId>`, with `%` and `:`
 * percent-escaped inside the two ids. Without the escaping, user `a:user:b` in `g1` and user
 * `b` in `g1:user:a` shared one key, and a tombstone for one deleted the other's row. With it,
 * every `:` in the key is a separator, so two different memberships never share a key; ids
 * without `%` or `:` (nearly all) read exactly as before.
 */
export function membershipKey(event: NormalisedEvent): string | undefined {
  const { userId, anonymousId } = event.envelope;
  const object = `${event.object.objectTypeId}:${keyPart(event.object.objectId)}`;
  if (userId !== undefined) return `${object}:user:${keyPart(userId)}`;
  return anonymousId === undefined ? undefined : `${object}:anonymous:${keyPart(anonymousId)}`;
}

/**
 * A record about the event's object, keyed by `objectKey`. `value` is the whole record, written
 * by the caller as one literal that starts with `...recordEnvelope(event)`: merging an envelope
 * and a second object here cost a copy of both per record.
 */
export function objectRecord(
  event: NormalisedEvent,
  topic: string,
  value: JsonObject,
  warnings: readonly Warning[] = [],
): DestinationOutput {
  return {
    kind: "record",
    topic,
    key: objectKey(event),
    value,
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

import type { JsonObject } from "../events/json.js";
import type { NormalisedEvent } from "../events/types.js";
import type { Warning } from "../pipeline/outcome.js";
import type { DestinationOutput } from "./destination.js";

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

/** A key that also names the person, for records about one membership. */
export function membershipKey(event: NormalisedEvent): string | undefined {
  const { userId, anonymousId } = event.envelope;
  if (userId !== undefined) return `${objectKey(event)}:user:${userId}`;
  return anonymousId === undefined ? undefined : `${objectKey(event)}:anonymous:${anonymousId}`;
}

/** A record about the event's object: keyed by `objectKey`, the envelope fields, then `fields`. */
export function objectRecord(
  event: NormalisedEvent,
  topic: string,
  fields: JsonObject,
  warnings: readonly Warning[] = [],
): DestinationOutput {
  return {
    kind: "record",
    topic,
    key: objectKey(event),
    value: { ...recordEnvelope(event), ...fields },
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

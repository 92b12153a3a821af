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
    source_offset: envelope.provenance.offset,
  };
}

/** The record key the contract fixes: every record about one object lands in one partition. */
export function objectKey(event: NormalisedEvent): string {
  return `${event.object.objectTypeId}:${event.object.objectId}`;
}

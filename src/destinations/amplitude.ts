import type { Destination, DestinationOutput } from "../core/destination.js";
import { emptyObject, type JsonObject } from "../events/json.js";
import type { NormalisedEvent } from "../events/types.js";
import { objectRecord, recordEnvelope } from "./envelope.js";

export const AMPLITUDE_TOPIC = "cdp.dest.amplitude";

/** What differs between Amplitude's two operations; the rest of the record is the same. */
interface Operation {
  readonly operation: "group_identify" | "user_groups";
  readonly group_properties: JsonObject | null;
  readonly user_id: string | null;
  readonly device_id: string | null;
  readonly groups: JsonObject | null;
}

function record(event: NormalisedEvent, op: Operation): DestinationOutput {
  return objectRecord(event, AMPLITUDE_TOPIC, {
    ...recordEnvelope(event),
    group_type: event.object.objectTypeName,
    group_value: event.object.objectId,
    group_properties: op.group_properties,
    user_id: op.user_id,
    device_id: op.device_id,
    groups: op.groups,
    insert_id: event.envelope.messageId ?? null,
    time: event.envelope.eventTime,
    operation: op.operation,
  });
}

/**
 * Amplitude group identify: the group's properties under `$set`, and, when a person is known,
 * the person's `groups` assignment (user_id, else device_id from the anonymousId). Amplitude has
 * no deletion API for groups or memberships: deletions are skipped as unsupported.
 */
export const amplitude: Destination = {
  id: "amplitude",
  displayName: "Amplitude",
  segmentNames: ["Actions Amplitude", "Amplitude (Actions)"],
  topics: [AMPLITUDE_TOPIC],
  map(event): readonly DestinationOutput[] {
    if (event.kind !== "group_upsert") {
      return [{ kind: "unsupported", message: "Amplitude has no API to delete a group or a group membership" }];
    }
    const outputs = [
      record(event, {
        operation: "group_identify",
        group_properties: { $set: event.traits },
        user_id: null,
        device_id: null,
        groups: null,
      }),
    ];
    const { userId, anonymousId } = event.envelope;
    if (userId !== undefined || anonymousId !== undefined) {
      const groups = emptyObject();
      groups[event.object.objectTypeName] = event.object.objectId;
      outputs.push(
        record(event, {
          operation: "user_groups",
          group_properties: null,
          user_id: userId ?? null,
          device_id: userId === undefined ? (anonymousId ?? null) : null,
          groups,
        }),
      );
    }
    return outputs;
  },
};

import { deadLetter, ok, type StepResult, skip, type Warning } from "../core/outcome.js";
import { parseDate } from "../events/dates.js";
import { normaliseId } from "../events/ids.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../events/json.js";
import { findByFoldedKey } from "../events/keys.js";
import { type Envelope, type InputRecord, UNSUPPORTED_TYPES, type ValidatedEvent } from "../events/types.js";

const STAGE = "validate";

type IdField = "userId" | "anonymousId" | "messageId" | "groupId";

function readId(payload: JsonObject, field: IdField): StepResult<string | undefined> {
  const result = normaliseId(payload[field]);
  if (!result.ok)
    return deadLetter(STAGE, "invalid_id", `${field} ${result.reason}; it must be a string or a whole number`);
  return ok(result.id);
}

/** An optional envelope date: absent is fine, invalid is dropped with a warning. */
function readOptionalDate(payload: JsonObject, field: "timestamp" | "sentAt" | "receivedAt", warnings: Warning[]) {
  const value = payload[field];
  if (value === undefined || value === null) return undefined;
  const millis = parseDate(value);
  if (millis === undefined) {
    warnings.push({
      code: "invalid_timestamp",
      message: `${field} ${JSON.stringify(value)} is not an ISO-8601 date or Unix time; dropped`,
    });
  }
  return millis;
}

function optionalObject(value: JsonValue | undefined): JsonObject | undefined {
  return isJsonObject(value) ? value : undefined;
}

function optionalString(value: JsonValue | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/**
 * The common envelope and the type-specific fields of a group or track payload. Strict where
 * the contract is (ids, groupId, traits and properties must be objects), lenient where it is
 * (an invalid optional date is a warning; unknown fields are ignored, never a reason to reject).
 */
export function validateEvent(
  payload: JsonObject,
  input: InputRecord,
  warnings: Warning[],
): StepResult<ValidatedEvent> {
  const type = payload.type;
  if (typeof type !== "string" || type.trim() === "") return deadLetter(STAGE, "missing_type", "event has no type");
  if (UNSUPPORTED_TYPES.has(type)) return skip("unsupported_type", `${type} calls are not routed`);
  if (type !== "group" && type !== "track") {
    return deadLetter(STAGE, "unknown_type", `type ${JSON.stringify(type)} is not a Data Pipelines call type`);
  }
  const userId = readId(payload, "userId");
  if (!userId.ok) return userId;
  const anonymousId = readId(payload, "anonymousId");
  if (!anonymousId.ok) return anonymousId;
  const messageId = readId(payload, "messageId");
  if (!messageId.ok) return messageId;

  const timestamp = readOptionalDate(payload, "timestamp", warnings);
  const receivedAt = readOptionalDate(payload, "receivedAt", warnings);
  const sentAt = readOptionalDate(payload, "sentAt", warnings);
  const envelope: Envelope = {
    messageId: messageId.value,
    userId: userId.value,
    anonymousId: anonymousId.value,
    eventTime: timestamp ?? receivedAt ?? input.timestamp,
    receivedAt: receivedAt ?? input.timestamp,
    sentAt,
    context: optionalObject(payload.context),
    integrations: optionalObject(payload.integrations),
    channel: optionalString(payload.channel),
    version: typeof payload.version === "number" ? payload.version : undefined,
    provenance: input.provenance,
    rawBytes: input.bytes.length,
  };

  if (type === "group") {
    const groupId = readId(payload, "groupId");
    if (!groupId.ok) return groupId;
    if (groupId.value === undefined) return deadLetter(STAGE, "missing_group_id", "a group call needs a groupId");
    const traits = payload.traits;
    if (traits !== undefined && traits !== null && !isJsonObject(traits)) {
      return deadLetter(STAGE, "invalid_traits", "traits must be a JSON object");
    }
    return ok({
      type,
      envelope,
      groupId: groupId.value,
      traits: traits ?? {},
      topLevelObjectTypeId: findByFoldedKey(payload, "objectTypeId"),
    });
  }

  const event = payload.event;
  if (typeof event !== "string" || event.trim() === "")
    return deadLetter(STAGE, "missing_event", "a track call needs an event name");
  // properties are checked by semantic detection: an ordinary track event is skipped whatever they hold.
  return ok({ type, envelope, event, properties: payload.properties });
}

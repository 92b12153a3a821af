import { deadLetter, ok, type StepResult, skip } from "../core/outcome.js";
import { normaliseId } from "../events/ids.js";
import { isJsonObject } from "../events/json.js";
import { findByFoldedKey } from "../events/keys.js";
import { parseObjectTypeId } from "../events/object-type-id.js";
import type { ObjectDeletion, RelationshipDeletion, ValidatedTrack } from "../events/types.js";
import type { PipelineConfig } from "./config.js";
import { objectTypeName } from "./object-type.js";

export type SemanticKind = "delete_object" | "delete_relationship";

const SEMANTIC_EVENTS: ReadonlyMap<string, SemanticKind> = new Map([
  ["delete object", "delete_object"],
  ["object deleted", "delete_object"],
  ["delete relationship", "delete_relationship"],
  ["relationship deleted", "delete_relationship"],
]);

const STAGE = "semantic";

/** `Delete Object`, ` delete  OBJECT `, `Object Deleted`: case-insensitive, spaces folded. */
export function semanticKind(eventName: string): SemanticKind | undefined {
  return SEMANTIC_EVENTS.get(eventName.trim().replace(/\s+/g, " ").toLowerCase());
}

/**
 * Semantic-event detection: a track call named as one of the semantic events becomes an object
 * or relationship deletion; every other track call is skipped as `not_semantic`.
 */
export function detectSemanticEvent(
  event: ValidatedTrack,
  config: PipelineConfig,
): StepResult<ObjectDeletion | RelationshipDeletion> {
  const kind = semanticKind(event.event);
  if (kind === undefined)
    return skip("not_semantic", `track event ${JSON.stringify(event.event)} is not a semantic event`);
  const properties = event.properties;
  if (properties === undefined || properties === null) {
    return deadLetter(STAGE, "missing_object_id", `${event.event} needs properties.objectId`);
  }
  if (!isJsonObject(properties)) return deadLetter(STAGE, "invalid_properties", "properties must be a JSON object");

  const objectId = normaliseId(findByFoldedKey(properties, "objectId"));
  if (!objectId.ok)
    return deadLetter(
      STAGE,
      "invalid_id",
      `properties.objectId ${objectId.reason}; it must be a string or a whole number`,
    );
  if (objectId.id === undefined)
    return deadLetter(STAGE, "missing_object_id", `${event.event} needs properties.objectId`);

  const rawType = findByFoldedKey(properties, "objectTypeId");
  const objectTypeId = rawType === undefined || rawType === null ? "1" : parseObjectTypeId(rawType);
  if (objectTypeId === undefined) {
    return deadLetter(
      STAGE,
      "invalid_object_type_id",
      `properties.objectTypeId ${JSON.stringify(rawType)} is not a positive whole number from 1 to 2147483647`,
    );
  }
  const object = { objectTypeId, objectTypeName: objectTypeName(config, objectTypeId), objectId: objectId.id };

  if (kind === "delete_object") return ok({ kind, envelope: event.envelope, object });
  if (event.envelope.userId === undefined && event.envelope.anonymousId === undefined) {
    return deadLetter(STAGE, "missing_user", `${event.event} needs a userId or an anonymousId`);
  }
  return ok({ kind, envelope: event.envelope, object });
}

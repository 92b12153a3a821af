import { deadLetter, ok, type StepResult, type Warning } from "../core/outcome.js";
import { parseDate } from "../events/dates.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../events/json.js";
import { canonicalNames, renameToCanonical } from "../events/keys.js";
import { parseObjectTypeId } from "../events/object-type-id.js";
import type { GroupUpsert, ValidatedGroup } from "../events/types.js";
import type { PipelineConfig } from "./config.js";
import { objectTypeName } from "./object-type.js";

/** The spec's reserved group traits. */
export const RESERVED_TRAITS = [
  "address",
  "avatar",
  "createdAt",
  "description",
  "email",
  "employees",
  "id",
  "industry",
  "name",
  "phone",
  "website",
  "plan",
  "relationshipAttributes",
  "objectTypeId",
] as const;

export const ADDRESS_FIELDS = ["city", "country", "postalCode", "state", "street"] as const;

const reservedTraits = canonicalNames(RESERVED_TRAITS);
const addressFields = canonicalNames(ADDRESS_FIELDS);
const STAGE = "normalise";

function conflictWarnings(where: string, conflicts: readonly string[]): Warning[] {
  return conflicts.map((name) => ({
    code: "trait_conflict",
    message: `${where}${name} was sent under more than one spelling; the ${JSON.stringify(name)} spelling (or the first) was kept`,
  }));
}

/** The object type: the payload's top-level objectTypeId, else traits.objectTypeId, else "1". */
function resolveObjectTypeId(topLevel: JsonValue | undefined, fromTraits: JsonValue | undefined): StepResult<string> {
  const [source, value] =
    topLevel !== undefined && topLevel !== null ? ["objectTypeId", topLevel] : ["traits.objectTypeId", fromTraits];
  if (value === undefined || value === null) return ok("1");
  const id = parseObjectTypeId(value);
  if (id === undefined) {
    return deadLetter(
      STAGE,
      "invalid_object_type_id",
      `${source} ${JSON.stringify(value)} is not a positive whole number from 1 to 2147483647`,
    );
  }
  return ok(id);
}

/**
 * Trait normalisation for a group call: reserved traits under their canonical names (any case,
 * `_`, `-` or spaces), address sub-fields likewise, objectTypeId and relationshipAttributes taken
 * out of the object's attributes, createdAt parsed.
 */
export function normaliseGroup(
  event: ValidatedGroup,
  config: PipelineConfig,
  warnings: Warning[],
): StepResult<GroupUpsert> {
  const renamed = renameToCanonical(event.traits, reservedTraits);
  warnings.push(...conflictWarnings("traits.", renamed.conflicts));
  const traits: JsonObject = renamed.object;

  const objectTypeId = resolveObjectTypeId(event.topLevelObjectTypeId, traits.objectTypeId);
  if (!objectTypeId.ok) return objectTypeId;
  delete traits.objectTypeId;

  const relationship = traits.relationshipAttributes;
  delete traits.relationshipAttributes;
  let relationshipAttributes: JsonObject | undefined;
  if (relationship !== undefined && relationship !== null) {
    if (!isJsonObject(relationship)) {
      return deadLetter(
        STAGE,
        "invalid_relationship_attributes",
        "traits.relationshipAttributes must be a JSON object",
      );
    }
    const { userId, anonymousId } = event.envelope;
    if (userId === undefined && anonymousId === undefined) {
      warnings.push({
        code: "relationship_without_user",
        message: "traits.relationshipAttributes were dropped: the call names no userId or anonymousId to relate",
      });
    } else {
      relationshipAttributes = relationship;
    }
  }

  const address = traits.address;
  if (isJsonObject(address)) {
    const renamedAddress = renameToCanonical(address, addressFields);
    warnings.push(...conflictWarnings("traits.address.", renamedAddress.conflicts));
    traits.address = renamedAddress.object;
  } else if (address !== undefined && address !== null) {
    warnings.push({
      code: "invalid_address",
      message: "traits.address is not an object; kept as sent, without address fields",
    });
  }

  // null asks destinations that can clear an attribute to clear it, as any other null trait does.
  let createdAt: number | null | undefined = traits.createdAt === null ? null : undefined;
  if (traits.createdAt !== undefined && traits.createdAt !== null) {
    createdAt = parseDate(traits.createdAt);
    if (createdAt === undefined) {
      warnings.push({
        code: "invalid_created_at",
        message: `traits.createdAt ${JSON.stringify(traits.createdAt)} is not an ISO-8601 date or Unix time; dropped`,
      });
      delete traits.createdAt;
    }
  }

  return ok({
    kind: "group_upsert",
    envelope: event.envelope,
    object: {
      objectTypeId: objectTypeId.value,
      objectTypeName: objectTypeName(config, objectTypeId.value),
      objectId: event.groupId,
    },
    traits,
    traitNames: Object.keys(traits),
    createdAt,
    relationshipAttributes,
  });
}

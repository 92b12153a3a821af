import type { Destination, DestinationOutput } from "../core/destination.js";
import type { Warning } from "../core/outcome.js";
import { toUnixSeconds } from "../events/dates.js";
import { isEmailLike } from "../events/ids.js";
import { emptyObject, isJsonObject, type JsonObject, type JsonValue } from "../events/json.js";
import { foldKey } from "../events/keys.js";
import type { GroupUpsert, NormalisedEvent } from "../events/types.js";
import { objectRecord, recordEnvelope } from "./envelope.js";
import { textField, type WholeNumberField, wholeNumberOf } from "./values.js";

export const INTERCOM_TOPIC = "cdp.dest.intercom";

/** Traits that have a company field of their own; every other trait is a custom attribute. */
const COMPANY_FIELDS = new Set(["name", "createdAt", "plan", "employees", "website", "industry"]);
const MONTHLY_SPEND = foldKey("monthlySpend");
// Intercom truncates the fractions of its integer fields (155.98 is stored as 155): so do these.
const SIZE: WholeNumberField = { field: "Intercom size", rounding: "truncate", nonNegative: true };
const MONTHLY_SPEND_FIELD: WholeNumberField = { field: "Intercom monthly_spend", rounding: "truncate" };

/**
 * Intercom custom attributes are flat scalars: nested objects are flattened with `_`
 * (address.city becomes address_city) and arrays are dropped, each with a warning.
 */
function flatten(prefix: string, value: JsonValue, into: JsonObject, warnings: Warning[]): void {
  if (Array.isArray(value)) {
    warnings.push({
      code: "array_dropped",
      message: `Intercom: ${prefix} is an array; custom attributes cannot hold arrays`,
    });
  } else if (isJsonObject(value)) {
    for (const key of Object.keys(value)) flatten(`${prefix}_${key}`, value[key] as JsonValue, into, warnings);
  } else if (Object.hasOwn(into, prefix)) {
    warnings.push({
      code: "trait_conflict",
      message: `Intercom: ${prefix} is both a trait and a flattened nested trait; the first was kept`,
    });
  } else {
    into[prefix] = value;
  }
}

function company(event: GroupUpsert, warnings: Warning[]): JsonObject {
  const { traits } = event;
  const customAttributes = emptyObject();
  let monthlySpend: JsonValue | undefined;
  for (const key of event.traitNames) {
    if (COMPANY_FIELDS.has(key)) continue;
    if (foldKey(key) === MONTHLY_SPEND) {
      monthlySpend ??= traits[key];
      continue;
    }
    flatten(key, traits[key] as JsonValue, customAttributes, warnings);
  }
  return {
    name: textField(traits.name, "Intercom name", warnings),
    remote_created_at: typeof event.createdAt === "number" ? toUnixSeconds(event.createdAt) : null,
    plan: textField(traits.plan, "Intercom plan", warnings),
    size: wholeNumberOf(traits.employees, SIZE, warnings),
    website: textField(traits.website, "Intercom website", warnings),
    industry: textField(traits.industry, "Intercom industry", warnings),
    monthly_spend: wholeNumberOf(monthlySpend, MONTHLY_SPEND_FIELD, warnings),
    custom_attributes: customAttributes,
  };
}

function contact(event: NormalisedEvent): JsonObject | null {
  const { userId } = event.envelope;
  if (userId === undefined) return null;
  return { external_id: userId, email: isEmailLike(userId) ? userId : null };
}

interface Operation {
  readonly name: "upsert" | "delete" | "detach";
  readonly company: JsonObject | null;
  readonly contact: JsonObject | null;
  readonly warnings?: Warning[];
}

function record(event: NormalisedEvent, op: Operation): DestinationOutput {
  const value = {
    ...recordEnvelope(event),
    operation: op.name,
    company_id: event.object.objectId,
    company: op.company,
    contact: op.contact,
  };
  return objectRecord(event, INTERCOM_TOPIC, value, op.warnings);
}

/** Intercom companies: upsert with the contact to attach, delete, detach. */
export const intercom: Destination = {
  id: "intercom",
  displayName: "Intercom",
  segmentNames: ["Intercom Cloud Mode (Actions)", "Intercom (Actions)"],
  topics: [INTERCOM_TOPIC],
  map(event): readonly DestinationOutput[] {
    switch (event.kind) {
      case "group_upsert": {
        const warnings: Warning[] = [];
        return [
          record(event, { name: "upsert", company: company(event, warnings), contact: contact(event), warnings }),
        ];
      }
      case "delete_object":
        return [record(event, { name: "delete", company: null, contact: null })];
      case "delete_relationship":
        if (event.envelope.userId === undefined) {
          return [
            {
              kind: "unsupported",
              message: "Intercom contacts are found by userId; this call names only an anonymousId",
            },
          ];
        }
        return [record(event, { name: "detach", company: null, contact: contact(event) })];
    }
  },
};

import type { Destination, DestinationOutput } from "../core/destination.js";
import type { Warning } from "../core/outcome.js";
import { checkKeys } from "../core/settings.js";
import { isEmailLike } from "../events/ids.js";
import { emptyObject, isJsonObject, type JsonObject, type JsonValue } from "../events/json.js";
import type { GroupUpsert, NormalisedEvent } from "../events/types.js";
import { objectRecord, recordEnvelope } from "./envelope.js";
import { hubspotPropertyName } from "./hubspot-names.js";
import { domainOf, textField, textOf, type WholeNumberField, wholeNumberOf } from "./values.js";

export const HUBSPOT_TOPIC = "cdp.dest.hubspot";

export interface HubspotSettings {
  /** The unique company property that upserts are keyed by. */
  readonly idProperty: string;
}

function parseSettings(input: Readonly<Record<string, unknown>>, path: string, problems: string[]): HubspotSettings {
  checkKeys(`${path}.`, input, ["idProperty"], problems);
  if (input.idProperty === undefined) return { idProperty: "cdp_group_id" };
  // HubSpot's internal property names: lower case letters, digits and underscores.
  if (typeof input.idProperty !== "string" || !/^[a-z][a-z0-9_]{0,99}$/.test(input.idProperty)) {
    problems.push(`${path}.idProperty must be a HubSpot property name (lower case letters, digits, _)`);
    return { idProperty: "cdp_group_id" };
  }
  return { idProperty: input.idProperty };
}

const EMPLOYEES: WholeNumberField = { field: "HubSpot numberofemployees", rounding: "round", nonNegative: true };

/** Traits with a HubSpot company property of their own (createdAt: HubSpot sets createdate itself). */
const MAPPED_TRAITS = new Set([
  "name",
  "description",
  "address",
  "website",
  "phone",
  "employees",
  "industry",
  "createdAt",
]);

/** Other traits as HubSpot wants them: arrays joined with `;`, objects as JSON text, scalars as they are. */
function propertyValue(value: JsonValue): JsonValue {
  if (Array.isArray(value))
    return value.map((item) => textOf(item) ?? (item === null ? "null" : JSON.stringify(item))).join(";");
  if (isJsonObject(value)) return JSON.stringify(value);
  return value;
}

/** Which trait a property was first taken from (only asked when two traits land on one name). */
function firstSource(traits: JsonObject, property: string): string {
  const fixed = FIXED_SOURCES[property];
  if (fixed !== undefined) return fixed;
  return (
    Object.keys(traits).find((key) => !MAPPED_TRAITS.has(key) && hubspotPropertyName(key).name === property) ?? property
  );
}

const FIXED_SOURCES: Readonly<Record<string, string>> = {
  name: "name",
  description: "description",
  address: "address.street",
  city: "address.city",
  state: "address.state",
  zip: "address.postalCode",
  country: "address.country",
  domain: "website",
  phone: "phone",
  numberofemployees: "employees",
  industry: "industry",
};

function properties(event: GroupUpsert, settings: HubspotSettings, warnings: Warning[]): JsonObject {
  const { traits } = event;
  const address = isJsonObject(traits.address) ? traits.address : {};
  const result = emptyObject();
  const set = (name: string, value: JsonValue | undefined, source = name) => {
    if (value === undefined || value === null) return; // HubSpot: nulls are dropped, never sent
    if (Object.hasOwn(result, name)) {
      warnings.push({
        code: "trait_conflict",
        message: `HubSpot: ${JSON.stringify(source)} and ${JSON.stringify(firstSource(traits, name))} both map to the property ${name}; the first was kept`,
      });
      return;
    }
    result[name] = value;
  };
  set(settings.idProperty, event.object.objectId, "groupId");
  set("name", textField(traits.name, "HubSpot name", warnings));
  set("description", textField(traits.description, "HubSpot description", warnings));
  set("address", textField(address.street, "HubSpot address", warnings), "address.street");
  set("city", textField(address.city, "HubSpot city", warnings), "address.city");
  set("state", textField(address.state, "HubSpot state", warnings), "address.state");
  set("zip", textField(address.postalCode, "HubSpot zip", warnings), "address.postalCode");
  set("country", textField(address.country, "HubSpot country", warnings), "address.country");
  set("domain", domainOf(traits.website), "website");
  set("phone", textField(traits.phone, "HubSpot phone", warnings));
  set("numberofemployees", wholeNumberOf(traits.employees, EMPLOYEES, warnings), "employees");
  set("industry", textField(traits.industry, "HubSpot industry", warnings));
  for (const key of event.traitNames) {
    if (MAPPED_TRAITS.has(key)) continue;
    const value = traits[key] as JsonValue;
    if (value === null) continue;
    const property = hubspotPropertyName(key);
    if (!property.faithful) {
      warnings.push({
        code: "property_renamed",
        message: `HubSpot: trait ${JSON.stringify(key)} has no lower-case ASCII spelling; sent as the property ${property.name}`,
      });
    }
    set(property.name, propertyValue(value), key);
  }
  return result;
}

function contact(event: NormalisedEvent): JsonObject | null {
  const { userId } = event.envelope;
  return userId === undefined ? null : { user_id: userId, email: isEmailLike(userId) ? userId : null };
}

function record(
  event: NormalisedEvent,
  settings: HubspotSettings,
  operation: string,
  props: JsonObject | null,
  warnings: Warning[] = [],
): DestinationOutput {
  return objectRecord(
    event,
    HUBSPOT_TOPIC,
    {
      ...recordEnvelope(event),
      operation,
      id_property: settings.idProperty,
      id_value: event.object.objectId,
      properties: props,
      contact: operation === "archive" ? null : contact(event),
    },
    warnings,
  );
}

/** HubSpot companies, upserted by a unique id property (default `cdp_group_id`). */
export const hubspot: Destination<HubspotSettings> = {
  id: "hubspot",
  displayName: "HubSpot",
  segmentNames: ["HubSpot Cloud Mode (Actions)", "HubSpot (Actions)"],
  topics: [HUBSPOT_TOPIC],
  parseSettings,
  map(event, settings): readonly DestinationOutput[] {
    switch (event.kind) {
      case "group_upsert": {
        const warnings: Warning[] = [];
        return [record(event, settings, "upsert", properties(event, settings, warnings), warnings)];
      }
      case "delete_object":
        return [record(event, settings, "archive", null)];
      case "delete_relationship":
        if (event.envelope.userId === undefined) {
          return [
            {
              kind: "unsupported",
              message: "HubSpot contacts are found by userId or email; this call names only an anonymousId",
            },
          ];
        }
        return [record(event, settings, "remove_association", null)];
    }
  },
};

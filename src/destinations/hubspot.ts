import { isEmailLike } from "../events/ids.js";
import { emptyObject, isJsonObject, type JsonObject, type JsonValue } from "../events/json.js";
import type { GroupUpsert, NormalisedEvent } from "../events/types.js";
import type { PipelineConfig } from "../pipeline/config.js";
import type { Warning } from "../pipeline/outcome.js";
import type { Destination, DestinationOutput } from "./destination.js";
import { objectRecord } from "./envelope.js";
import { domainOf, integerOf, snakeCase, textOf } from "./values.js";

export const HUBSPOT_TOPIC = "cdp.dest.hubspot";

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
    return value
      .map((item) => (isJsonObject(item) || Array.isArray(item) ? JSON.stringify(item) : String(item)))
      .join(";");
  if (isJsonObject(value)) return JSON.stringify(value);
  return value;
}

function properties(event: GroupUpsert, config: PipelineConfig, warnings: Warning[]): JsonObject {
  const { traits } = event;
  const address = isJsonObject(traits.address) ? traits.address : {};
  const result = emptyObject();
  const set = (name: string, value: JsonValue | undefined) => {
    if (value === undefined || value === null) return; // HubSpot: nulls are dropped, never sent
    if (Object.hasOwn(result, name)) {
      warnings.push({
        code: "trait_conflict",
        message: `HubSpot: two traits map to the property ${name}; the first was kept`,
      });
      return;
    }
    result[name] = value;
  };
  set(config.destinations.hubspot.idProperty, event.object.objectId);
  set("name", textOf(traits.name));
  set("description", textOf(traits.description));
  set("address", textOf(address.street));
  set("city", textOf(address.city));
  set("state", textOf(address.state));
  set("zip", textOf(address.postalCode));
  set("country", textOf(address.country));
  set("domain", domainOf(traits.website));
  set("phone", textOf(traits.phone));
  set("numberofemployees", integerOf(traits.employees));
  set("industry", textOf(traits.industry));
  for (const key of Object.keys(traits)) {
    if (MAPPED_TRAITS.has(key)) continue;
    const name = snakeCase(key);
    if (name === "") continue;
    const value = traits[key] as JsonValue;
    if (value !== null) set(name, propertyValue(value));
  }
  return result;
}

function contact(event: NormalisedEvent): JsonObject | null {
  const { userId } = event.envelope;
  return userId === undefined ? null : { user_id: userId, email: isEmailLike(userId) ? userId : null };
}

function record(
  event: NormalisedEvent,
  config: PipelineConfig,
  operation: string,
  props: JsonObject | null,
  warnings: Warning[] = [],
): DestinationOutput {
  return objectRecord(
    event,
    HUBSPOT_TOPIC,
    {
      operation,
      id_property: config.destinations.hubspot.idProperty,
      id_value: event.object.objectId,
      properties: props,
      contact: operation === "archive" ? null : contact(event),
    },
    warnings,
  );
}

/** HubSpot companies, upserted by a unique id property (default `cdp_group_id`). */
export const hubspot: Destination = {
  id: "hubspot",
  displayName: "HubSpot",
  topics: [HUBSPOT_TOPIC],
  map(event, config): readonly DestinationOutput[] {
    switch (event.kind) {
      case "group_upsert": {
        const warnings: Warning[] = [];
        return [record(event, config, "upsert", properties(event, config, warnings), warnings)];
      }
      case "delete_object":
        return [record(event, config, "archive", null)];
      case "delete_relationship":
        if (event.envelope.userId === undefined) {
          return [
            {
              kind: "unsupported",
              message: "HubSpot contacts are found by userId or email; this call names only an anonymousId",
            },
          ];
        }
        return [record(event, config, "remove_association", null)];
    }
  },
};

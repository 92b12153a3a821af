import { isJsonObject } from "../events/json.js";
import { DEFAULT_LIMITS, type InputLimits } from "../events/limits.js";
import { parseObjectTypeId } from "./object-type.js";

/** The pipeline's settings: parsed and checked once, then frozen. */
export interface PipelineConfig {
  /** objectTypeId to a type name, e.g. {"1": "company"}; an unmapped id N is `object_type_N`. */
  readonly objectTypes: Readonly<Record<string, string>>;
  readonly limits: InputLimits;
  /** How many recent messageIds a pipeline remembers; 0 turns duplicate detection off. */
  readonly dedupe: { readonly windowSize: number };
  readonly destinations: DestinationsConfig;
}

export interface DestinationsConfig {
  /** Ids of the destinations to route to. */
  readonly enabled: readonly string[];
  readonly mixpanel: {
    /** objectTypeId to the Mixpanel group key, where it differs from the object type's name. */
    readonly groupKeys: Readonly<Record<string, string>>;
  };
  readonly hubspot: {
    /** The unique company property that upserts are keyed by. */
    readonly idProperty: string;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

const DEFAULT_WINDOW = 100_000;

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function checkKeys(section: string, value: Record<string, unknown>, allowed: readonly string[], problems: string[]) {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) problems.push(`${section}${key} is not a setting (known: ${allowed.join(", ")})`);
  }
}

/** A whole-number setting from `min` to `max`, or `fallback` when absent; `label` names it in the problem. */
export function wholeNumberSetting(
  path: string,
  value: unknown,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    problems.push(`${path} must be a whole number from ${min} to ${max}`);
    return fallback;
  }
  return value;
}

function section(path: string, value: unknown, problems: string[]): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isJsonObject(value)) {
    problems.push(`${path} must be an object`);
    return {};
  }
  return value;
}

/**
 * Reads the pipeline's configuration (from a file, the environment, or a test) with the
 * contract's defaults, and reports every problem at once, each naming the setting.
 */
export function parsePipelineConfig(input: unknown, knownDestinations: readonly string[]): PipelineConfig {
  const problems: string[] = [];
  const root = section("configuration", input ?? {}, problems);
  checkKeys("", root, ["objectTypes", "limits", "dedupe", "destinations"], problems);

  const objectTypes: Record<string, string> = { "1": "company" };
  for (const [id, name] of Object.entries(section("objectTypes", root.objectTypes, problems))) {
    const parsed = parseObjectTypeId(id);
    if (parsed === undefined || parsed !== id)
      problems.push(`objectTypes: "${id}" is not an objectTypeId (1 to 2147483647, no leading zeros)`);
    else if (typeof name !== "string" || name.trim() === "")
      problems.push(`objectTypes.${id} must be a non-empty name`);
    else objectTypes[id] = name;
  }

  const limitsInput = section("limits", root.limits, problems);
  checkKeys("limits.", limitsInput, ["maxBytes", "maxDepth", "maxKeys"], problems);
  const limits: InputLimits = {
    maxBytes: wholeNumberSetting(
      "limits.maxBytes",
      limitsInput.maxBytes,
      DEFAULT_LIMITS.maxBytes,
      1024,
      16 * 1024 * 1024,
      problems,
    ),
    maxDepth: wholeNumberSetting("limits.maxDepth", limitsInput.maxDepth, DEFAULT_LIMITS.maxDepth, 2, 1000, problems),
    maxKeys: wholeNumberSetting("limits.maxKeys", limitsInput.maxKeys, DEFAULT_LIMITS.maxKeys, 1, 1_000_000, problems),
  };

  const dedupeInput = section("dedupe", root.dedupe, problems);
  checkKeys("dedupe.", dedupeInput, ["windowSize"], problems);
  const windowSize = wholeNumberSetting(
    "dedupe.windowSize",
    dedupeInput.windowSize,
    DEFAULT_WINDOW,
    0,
    10_000_000,
    problems,
  );

  const destinationsInput = section("destinations", root.destinations, problems);
  checkKeys("destinations.", destinationsInput, ["enabled", "mixpanel", "hubspot"], problems);
  let enabled: string[] = [...knownDestinations];
  if (destinationsInput.enabled !== undefined) {
    const list = destinationsInput.enabled;
    if (!Array.isArray(list) || !list.every((id): id is string => typeof id === "string")) {
      problems.push("destinations.enabled must be a list of destination ids");
    } else {
      for (const id of list) {
        if (!knownDestinations.includes(id))
          problems.push(`destinations.enabled: "${id}" is not a destination (known: ${knownDestinations.join(", ")})`);
      }
      enabled = [...new Set(list)];
    }
  }

  const mixpanelInput = section("destinations.mixpanel", destinationsInput.mixpanel, problems);
  checkKeys("destinations.mixpanel.", mixpanelInput, ["groupKeys"], problems);
  const groupKeys: Record<string, string> = {};
  for (const [id, key] of Object.entries(
    section("destinations.mixpanel.groupKeys", mixpanelInput.groupKeys, problems),
  )) {
    if (parseObjectTypeId(id) !== id) problems.push(`destinations.mixpanel.groupKeys: "${id}" is not an objectTypeId`);
    else if (typeof key !== "string" || key.trim() === "")
      problems.push(`destinations.mixpanel.groupKeys.${id} must be a non-empty name`);
    else groupKeys[id] = key;
  }

  const hubspotInput = section("destinations.hubspot", destinationsInput.hubspot, problems);
  checkKeys("destinations.hubspot.", hubspotInput, ["idProperty"], problems);
  let idProperty = "cdp_group_id";
  if (hubspotInput.idProperty !== undefined) {
    // HubSpot's internal property names: lower case letters, digits and underscores.
    if (typeof hubspotInput.idProperty !== "string" || !/^[a-z][a-z0-9_]{0,99}$/.test(hubspotInput.idProperty)) {
      problems.push("destinations.hubspot.idProperty must be a HubSpot property name (lower case letters, digits, _)");
    } else {
      idProperty = hubspotInput.idProperty;
    }
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze({
    objectTypes,
    limits,
    dedupe: { windowSize },
    destinations: { enabled, mixpanel: { groupKeys }, hubspot: { idProperty } },
  });
}

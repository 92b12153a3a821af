import type { Destination } from "../core/destination.js";
import { ConfigError, checkKeys, deepFreeze, section, wholeNumberSetting } from "../core/settings.js";
import { DEFAULT_LIMITS, type InputLimits } from "../events/limits.js";
import { parseObjectTypeId } from "../events/object-type-id.js";

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
  /** Each destination's own settings, under its id, for the destinations that have settings. */
  readonly [id: string]: object;
}

const DEFAULT_WINDOW = 100_000;

/**
 * Reads the pipeline's configuration (from a file, the environment, or a test) with the
 * contract's defaults, and reports every problem at once, each naming the setting.
 */
export function parsePipelineConfig(input: unknown, destinations: readonly Destination[]): PipelineConfig {
  const knownDestinations = destinations.map((destination) => destination.id);
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
  const configurable = destinations.filter((destination) => destination.parseSettings !== undefined);
  checkKeys(
    "destinations.",
    destinationsInput,
    ["enabled", ...configurable.map((destination) => destination.id)],
    problems,
  );
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
  // Each destination parses its own section: the pipeline knows none of their settings.
  const settings: Record<string, object> = {};
  for (const destination of configurable) {
    const path = `destinations.${destination.id}`;
    settings[destination.id] =
      destination.parseSettings?.(section(path, destinationsInput[destination.id], problems), path, problems) ?? {};
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze({
    objectTypes,
    limits,
    dedupe: { windowSize },
    destinations: { enabled, ...settings },
  });
}

import { isJsonObject } from "../events/json.js";

/** Every problem of a configuration, each naming its setting; thrown once all are found. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

/** Freezes a parsed configuration all the way down, so that no stage can change it for another. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Reports every key of `value` that is not one of `allowed`; `prefix` is the section's path and a dot. */
export function checkKeys(
  prefix: string,
  value: Readonly<Record<string, unknown>>,
  allowed: readonly string[],
  problems: string[],
): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) problems.push(`${prefix}${key} is not a setting (known: ${allowed.join(", ")})`);
  }
}

/** A section of settings: an object, or {} when absent (a problem when it is something else). */
export function section(path: string, value: unknown, problems: string[]): Readonly<Record<string, unknown>> {
  if (value === undefined) return {};
  if (!isJsonObject(value)) {
    problems.push(`${path} must be an object`);
    return {};
  }
  return value;
}

/** A whole-number setting from `min` to `max`, or `fallback` when absent; `path` names it in the problem. */
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

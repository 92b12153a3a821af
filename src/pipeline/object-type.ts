import type { JsonValue } from "../events/json.js";
import type { PipelineConfig } from "./config.js";

const MAX_OBJECT_TYPE_ID = 2_147_483_647;

/**
 * A valid objectTypeId as its canonical decimal string: a positive integer, or a string of
 * digits without sign, from 1 to 2147483647 ("007" is 7). Anything else is undefined.
 */
export function parseObjectTypeId(value: JsonValue | undefined): string | undefined {
  let numeric: number;
  if (typeof value === "number") {
    if (!Number.isInteger(value)) return undefined;
    numeric = value;
  } else if (typeof value === "string" && /^\d{1,10}$/.test(value)) {
    numeric = Number(value);
  } else {
    return undefined;
  }
  return numeric >= 1 && numeric <= MAX_OBJECT_TYPE_ID ? String(numeric) : undefined;
}

export function objectTypeName(config: PipelineConfig, objectTypeId: string): string {
  return config.objectTypes[objectTypeId] ?? `object_type_${objectTypeId}`;
}

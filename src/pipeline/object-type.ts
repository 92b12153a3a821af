import type { PipelineConfig } from "./config.js";

/** The configured name of an object type, or `object_type_N` for an unmapped id N. */
export function objectTypeName(config: PipelineConfig, objectTypeId: string): string {
  return config.objectTypes[objectTypeId] ?? `object_type_${objectTypeId}`;
}

import type { RecordResult } from "../core/outcome.js";
import type { JsonObject } from "../events/json.js";

/** The NDJSON lines `cdp-router transform` prints for one input line: one per outcome. */
export function outcomeLines(line: number, result: RecordResult): JsonObject[] {
  const warnings = result.warnings.map((warning) => warning.code);
  const extra: JsonObject = warnings.length > 0 ? { warnings } : {};
  const lines: JsonObject[] = [];
  for (const record of result.routed) {
    // Each destination's line carries the event's warnings and its own, never another destination's.
    const own = record.warnings?.map((warning) => warning.code) ?? [];
    lines.push({
      line,
      outcome: "routed",
      destination: record.destination,
      topic: record.topic,
      key: record.key,
      value: record.value,
      warnings: own.length > 0 ? [...warnings, ...own] : warnings,
    });
  }
  for (const skipped of result.skipped) {
    lines.push({
      line,
      outcome: "skipped",
      reason: skipped.reason,
      message: skipped.message,
      ...(skipped.destination ? { destination: skipped.destination } : {}),
      ...extra,
    });
  }
  for (const deadLetter of result.deadLetters) {
    lines.push({
      line,
      outcome: "dead_letter",
      code: deadLetter.code,
      message: deadLetter.message,
      stage: deadLetter.stage,
      ...(deadLetter.destination ? { destination: deadLetter.destination } : {}),
      ...extra,
    });
  }
  return lines;
}

import type { Destination } from "../destinations/destination.js";
import { DESTINATIONS } from "../destinations/index.js";
import { parseRawEvent } from "../events/parse.js";
import type { InputRecord, NormalisedEvent } from "../events/types.js";
import { validateEvent } from "../events/validate.js";
import type { PipelineConfig } from "./config.js";
import { DedupeWindow } from "./dedupe.js";
import { allowedDestinations } from "./integrations.js";
import { normaliseGroup } from "./normalise-group.js";
import {
  classify,
  type DeadLetter,
  type RecordResult,
  type RoutedRecord,
  type Skip,
  type StepResult,
  type Warning,
} from "./outcome.js";
import { detectSemanticEvent } from "./semantic.js";

export interface Pipeline {
  readonly config: PipelineConfig;
  /** Everything one raw event becomes. Never throws for any input bytes. */
  process(input: InputRecord): RecordResult;
  /** Takes back the dedupe window's memory of records whose outputs were never written (their `remembered` ids). */
  forget(messageIds: Iterable<string>): void;
}

function ended(result: Exclude<StepResult<unknown>, { ok: true }>, warnings: Warning[]): RecordResult {
  if ("deadLetter" in result) {
    return { outcome: "dead_letter", routed: [], skipped: [], deadLetters: [result.deadLetter], warnings };
  }
  return { outcome: "skipped", routed: [], skipped: [result.skip], deadLetters: [], warnings };
}

function route(
  event: NormalisedEvent,
  destinations: readonly Destination[],
  config: PipelineConfig,
  warnings: Warning[],
): RecordResult {
  const routed: RoutedRecord[] = [];
  const skipped: Skip[] = [];
  const deadLetters: DeadLetter[] = [];
  for (const destination of destinations) {
    for (const output of destination.map(event, config)) {
      if (output.kind === "record") {
        routed.push({ destination: destination.id, topic: output.topic, key: output.key, value: output.value });
        if (output.warnings) warnings.push(...output.warnings);
      } else if (output.kind === "unsupported") {
        skipped.push({ reason: "unsupported_by_destination", message: output.message, destination: destination.id });
      } else {
        deadLetters.push({
          code: output.code,
          message: output.message,
          stage: "destination",
          destination: destination.id,
        });
      }
    }
  }
  const remembered = event.envelope.messageId;
  return { outcome: classify(routed, deadLetters), routed, skipped, deadLetters, warnings, remembered };
}

/**
 * parse -> validate -> normalise (group) or detect the semantic event (track) -> drop
 * duplicates -> apply `integrations` -> map to each destination. Every stage is a function of
 * its input and the config; the only state is the bounded window of recent messageIds.
 */
export function createPipeline(config: PipelineConfig, registry: readonly Destination[] = DESTINATIONS): Pipeline {
  const enabled = registry.filter((destination) => config.destinations.enabled.includes(destination.id));
  const window = new DedupeWindow(config.dedupe.windowSize);
  return {
    config,
    process(input: InputRecord): RecordResult {
      const warnings: Warning[] = [];
      const parsed = parseRawEvent(input.bytes, config.limits);
      if (!parsed.ok) return ended(parsed, warnings);
      const validated = validateEvent(parsed.value, input, warnings);
      if (!validated.ok) return ended(validated, warnings);
      const normalised =
        validated.value.type === "group"
          ? normaliseGroup(validated.value, config, warnings)
          : detectSemanticEvent(validated.value, config);
      if (!normalised.ok) return ended(normalised, warnings);
      const event = normalised.value;
      if (window.checkAndRemember(event.envelope.messageId)) {
        return ended(
          {
            ok: false,
            skip: { reason: "duplicate", message: `messageId ${event.envelope.messageId} was already routed` },
          },
          warnings,
        );
      }
      const destinations = allowedDestinations(event.envelope.integrations, enabled);
      if (destinations.length === 0) {
        return ended(
          { ok: false, skip: { reason: "no_destination", message: "integrations disable every enabled destination" } },
          warnings,
        );
      }
      return route(event, destinations, config, warnings);
    },
    forget(messageIds: Iterable<string>): void {
      window.forget(messageIds);
    },
  };
}

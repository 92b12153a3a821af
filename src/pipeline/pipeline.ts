import type { Destination } from "../core/destination.js";
import {
  classify,
  type DeadLetter,
  type DeliveryMark,
  type RecordResult,
  type RoutedRecord,
  type Skip,
  type StepResult,
  type Warning,
} from "../core/outcome.js";
import type { InputRecord, NormalisedEvent } from "../events/types.js";
import type { PipelineConfig } from "./config.js";
import { DedupeWindow, MAX_DEDUPE_DESTINATIONS } from "./dedupe.js";
import { integrationsFilter } from "./integrations.js";
import { normaliseGroup } from "./normalise-group.js";
import { parseRawEvent } from "./parse.js";
import { detectSemanticEvent } from "./semantic.js";
import { validateEvent } from "./validate.js";

export interface Pipeline {
  readonly config: PipelineConfig;
  /** Everything one raw event becomes. Never throws for any input bytes. */
  process(input: InputRecord): RecordResult;
  /** Takes back the dedupe window's memory of records whose outputs were never written (their `remembered` marks). */
  forget(marks: Iterable<DeliveryMark>): void;
  /** Takes back one destination of a record's deliveries (its record could not be encoded or was too large). */
  forgetDestination(mark: DeliveryMark | undefined, destination: string): void;
}

function ended(result: Exclude<StepResult<unknown>, { ok: true }>, warnings: Warning[]): RecordResult {
  if ("deadLetter" in result) {
    return { outcome: "dead_letter", routed: [], skipped: [], deadLetters: [result.deadLetter], warnings };
  }
  return { outcome: "skipped", routed: [], skipped: [result.skip], deadLetters: [], warnings };
}

/** A repeat that reaches no destination anew: skipped as one duplicate. */
function duplicate(messageId: string | undefined, warnings: Warning[]): RecordResult {
  return ended(
    { ok: false, skip: { reason: "duplicate", message: `messageId ${messageId} was already routed` } },
    warnings,
  );
}

/** Maps the event for each destination that has not received its messageId yet. */
function route(
  event: NormalisedEvent,
  destinations: readonly Destination[],
  config: PipelineConfig,
  warnings: Warning[],
  bits: ReadonlyMap<string, number>,
  received: number,
): RecordResult {
  const routed: RoutedRecord[] = [];
  const skipped: Skip[] = [];
  const deadLetters: DeadLetter[] = [];
  let delivered = 0;
  for (const destination of destinations) {
    const bit = bits.get(destination.id) ?? 0;
    if ((received & bit) !== 0) {
      skipped.push({
        reason: "duplicate",
        message: `messageId ${event.envelope.messageId} was already routed to ${destination.displayName}`,
        destination: destination.id,
      });
      continue;
    }
    for (const output of destination.map(event, config.destinations[destination.id] ?? {})) {
      if (output.kind === "record") {
        delivered |= bit;
        const { topic, key, value } = output;
        routed.push(
          output.warnings && output.warnings.length > 0
            ? { destination: destination.id, topic, key, value, warnings: output.warnings }
            : { destination: destination.id, topic, key, value },
        );
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
  const { messageId } = event.envelope;
  const remembered = messageId !== undefined && delivered !== 0 ? { messageId, destinations: delivered } : undefined;
  const { objectId } = event.object;
  return { outcome: classify(routed, deadLetters), routed, skipped, deadLetters, warnings, remembered, objectId };
}

/**
 * parse -> validate -> normalise (group) or detect the semantic event (track) -> apply
 * `integrations` -> drop what each destination already received -> map to each destination.
 * Every stage is a function of its input and the config; the only state is the bounded window
 * of recent messageIds and the destinations each reached.
 */
export function createPipeline(config: PipelineConfig, registry: readonly Destination[]): Pipeline {
  const enabled = registry.filter((destination) => config.destinations.enabled.includes(destination.id));
  if (registry.length > MAX_DEDUPE_DESTINATIONS) {
    throw new Error(`at most ${MAX_DEDUPE_DESTINATIONS} destinations are supported, not ${registry.length}`);
  }
  const bits = new Map(registry.map((destination, index) => [destination.id, 1 << index]));
  const allowedDestinations = integrationsFilter(enabled);
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
      const { objectId } = event.object;
      const destinations = allowedDestinations(event.envelope.integrations, warnings);
      if (destinations.length === 0) {
        const skip: Skip = { reason: "no_destination", message: "integrations disable every enabled destination" };
        return { ...ended({ ok: false, skip }, warnings), objectId };
      }
      const received = window.received(event.envelope.messageId);
      if (received !== 0 && destinations.every((destination) => (received & (bits.get(destination.id) ?? 0)) !== 0)) {
        return { ...duplicate(event.envelope.messageId, warnings), objectId };
      }
      const result = route(event, destinations, config, warnings, bits, received);
      if (result.remembered) window.remember(result.remembered.messageId, result.remembered.destinations);
      else if (received !== 0 && result.deadLetters.length === 0) {
        // The repeat brought nothing new (the destinations left over do not support the event): one duplicate.
        return { ...duplicate(event.envelope.messageId, warnings), objectId };
      }
      return result;
    },
    forget(marks: Iterable<DeliveryMark>): void {
      window.forget(marks);
    },
    forgetDestination(mark: DeliveryMark | undefined, destination: string): void {
      const bit = bits.get(destination);
      if (mark !== undefined && bit !== undefined) window.forget([{ messageId: mark.messageId, destinations: bit }]);
    },
  };
}

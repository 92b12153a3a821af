import type { JsonObject } from "../events/json.js";
import type { NormalisedEvent } from "../events/types.js";
import type { DeadLetterCode, Warning } from "./outcome.js";

/** What a destination makes of one event: records, or a reason it takes none. */
export type DestinationOutput =
  | {
      readonly kind: "record";
      readonly topic: string;
      readonly key: string;
      /** null: a tombstone, so that upsert sinks delete the row. */
      readonly value: JsonObject | null;
      readonly warnings?: readonly Warning[];
    }
  | { readonly kind: "unsupported"; readonly message: string }
  | { readonly kind: "refused"; readonly code: DeadLetterCode; readonly message: string };

/**
 * One destination: its identity, its topics, its own settings, and a pure mapping from a
 * normalised event to what it should receive. Adding one means one module, its schema(s), one
 * line in the index.
 */
export interface Destination<Settings extends object = object> {
  /** Stable id used in configuration, topics and metrics: `customerio`. */
  readonly id: string;
  /** The name senders use in `integrations`: `Customer.io`. */
  readonly displayName: string;
  /** Other names Segment's libraries use for it in `integrations`: `Customer.io (Actions)`. */
  readonly segmentNames: readonly string[];
  readonly topics: readonly string[];
  /**
   * Its section of the pipeline configuration (`destinations.<id>`, {} when absent) as settings
   * with their defaults; each problem is pushed naming its setting under `path`. A destination
   * without settings leaves this out, and its section is refused as an unknown setting.
   */
  parseSettings?(section: Readonly<Record<string, unknown>>, path: string, problems: string[]): Settings;
  /** `settings` are what this destination's parseSettings returned ({} when it has none). */
  map(event: NormalisedEvent, settings: Settings): readonly DestinationOutput[];
}

import type { JsonObject, JsonValue } from "./json.js";

// The event model after validation. What senders send (the spec's "full payload") is untrusted
// JSON until validation has read it: validate.ts is where its shape is checked, field by field.

/** Types a Data Pipelines source sends that cdp-router does not route: skipped, not errors. */
export const UNSUPPORTED_TYPES: ReadonlySet<string> = new Set(["identify", "page", "screen", "alias"]);

/** Where a raw event came from: the Kafka coordinates, or a file line for `transform`. */
export interface Provenance {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** One raw event as the pipeline receives it. */
export interface InputRecord {
  readonly bytes: Uint8Array;
  readonly provenance: Provenance;
  /** The Kafka record timestamp (epoch ms): the event time of last resort. */
  readonly timestamp: number;
}

/** What every validated event carries, whatever its type. */
export interface Envelope {
  readonly messageId: string | undefined;
  readonly userId: string | undefined;
  readonly anonymousId: string | undefined;
  /** Epoch milliseconds: `timestamp`, else `receivedAt`, else the Kafka record timestamp. */
  readonly eventTime: number;
  /** Epoch milliseconds: `receivedAt`, else the Kafka record timestamp. */
  readonly receivedAt: number;
  readonly sentAt: number | undefined;
  readonly context: JsonObject | undefined;
  readonly integrations: JsonObject | undefined;
  readonly channel: string | undefined;
  readonly version: number | undefined;
  readonly provenance: Provenance;
  /** The raw event's size in bytes: an upper bound that lets destinations skip size checks. */
  readonly rawBytes: number;
}

export interface ValidatedGroup {
  readonly type: "group";
  readonly envelope: Envelope;
  readonly groupId: string;
  readonly traits: JsonObject;
  /** The payload's top-level objectTypeId, in whatever spelling it came. */
  readonly topLevelObjectTypeId: JsonValue | undefined;
}

export interface ValidatedTrack {
  readonly type: "track";
  readonly envelope: Envelope;
  readonly event: string;
  /** As sent: semantic detection requires an object only of the events it acts on. */
  readonly properties: JsonValue | undefined;
}

export type ValidatedEvent = ValidatedGroup | ValidatedTrack;

/** The object a group call or semantic event is about. */
export interface ObjectRef {
  readonly objectTypeId: string;
  /** From the pipeline's object-type map: "company" for "1" by default, else `object_type_<id>`. */
  readonly objectTypeName: string;
  readonly objectId: string;
}

/** A group call, normalised: what every destination maps from. */
export interface GroupUpsert {
  readonly kind: "group_upsert";
  readonly envelope: Envelope;
  readonly object: ObjectRef;
  /** Reserved traits under their canonical names, custom traits as sent; no objectTypeId or relationshipAttributes. */
  readonly traits: JsonObject;
  /**
   * The traits' keys in their order, listed once: four destinations walk them, and the traits
   * object (built key by key, without a prototype) is one V8 keeps as a dictionary, whose keys
   * are collected and sorted anew on every Object.keys.
   */
  readonly traitNames: readonly string[];
  /** traits.createdAt as epoch milliseconds when it was a valid date; null when sent as null (clear it). */
  readonly createdAt: number | null | undefined;
  /** Attributes of the person-object relationship; only when a person is known. */
  readonly relationshipAttributes: JsonObject | undefined;
}

export interface ObjectDeletion {
  readonly kind: "delete_object";
  readonly envelope: Envelope;
  readonly object: ObjectRef;
}

export interface RelationshipDeletion {
  readonly kind: "delete_relationship";
  readonly envelope: Envelope;
  readonly object: ObjectRef;
}

export type NormalisedEvent = GroupUpsert | ObjectDeletion | RelationshipDeletion;

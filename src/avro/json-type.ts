import avro from "avsc";
import { parseJsonExact } from "../events/exact-number.js";
import { RecentJsonTexts } from "./recent-json-texts.js";

/**
 * Free-form values (attributes, traits, relationship attributes) travel as JSON text in an Avro
 * `string` marked `"logicalType": "json"`. Why not a recursive Avro union of null, boolean, long,
 * double, string, array and map:
 * - the JSON text round-trips everything JSON can say, exactly: null versus an absent key,
 *   integers versus fractions, nesting, unicode, and every number literal as it was sent (the
 *   parser keeps `12345678901234567891` or `1e400` as its text, which JSON.stringify writes back);
 * - every language reads it with its own JSON parser, and a reader that does not know the
 *   logical type (fastavro, Java Avro, Kafka Connect) simply sees a string;
 * - avsc decodes Avro maps by assignment, so a `__proto__` key in a map is lost on the way back
 *   (checked: it becomes the decoded object's prototype); JSON.parse keeps it as data.
 * To avsc, this class turns the JSON value into its text when writing and back when reading.
 */
export class JsonTextType extends avro.types.LogicalType {
  /**
   * In a `["null", json]` union avsc converts a value twice, once to pick the branch and once to
   * write it, and JSON.stringify was the worker's largest single cost. The texts of the last
   * objects are kept for the second call (and for the next record sharing the same object), as the
   * compiled record writer keeps them. Records are never mutated once the pipeline built them, so
   * the same object means the same text.
   */
  private readonly texts = new RecentJsonTexts();

  /** Read back exactly as written: a number a double would change comes back as its literal. */
  protected override _fromValue(text: unknown): unknown {
    return parseJsonExact(String(text));
  }

  /**
   * A bare null is not taken: in a `["null", json]` union the null branch stands for it, and
   * avsc refuses a value that two branches accept. Nulls inside the value are JSON as usual.
   */
  protected override _toValue(value: unknown): unknown {
    if (value === null) return undefined;
    return this.texts.textOf(value);
  }

  protected override _resolve(type: avro.Type): ((text: unknown) => unknown) | undefined {
    return avro.Type.isType(type, "string", "logical:json") ? (text) => this._fromValue(text) : undefined;
  }
}

export const LOGICAL_TYPES = { json: JsonTextType };

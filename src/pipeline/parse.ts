import { deadLetter, ok, type StepResult } from "../core/outcome.js";
import { parseJsonExact } from "../events/exact-number.js";
import { isJsonObject, type JsonObject } from "../events/json.js";
import { checkShape, type InputLimits } from "../events/limits.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Raw bytes to a JSON object, refusing what is too large, not UTF-8, too deep or too wide before
 * any recursive work happens, and what is not JSON or not an object after. Every number keeps
 * the exact value that was sent (`ExactNumber` where a double would change it).
 */
export function parseRawEvent(bytes: Uint8Array, limits: InputLimits): StepResult<JsonObject> {
  if (bytes.length > limits.maxBytes) {
    return deadLetter("parse", "too_large", `event is ${bytes.length} bytes; the limit is ${limits.maxBytes}`);
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return deadLetter("parse", "invalid_encoding", "event is not valid UTF-8");
  }
  const shape = checkShape(text, limits);
  if (shape.code === "too_deep") {
    return deadLetter("parse", "too_deep", `event nests deeper than ${limits.maxDepth} levels`);
  }
  if (shape.code === "too_many_keys") {
    return deadLetter("parse", "too_many_keys", `event has more than ${limits.maxKeys} keys`);
  }
  let value: unknown;
  try {
    // Only events with a number a double would change pay for the exact parse.
    value = shape.inexactNumbers ? parseJsonExact(text) : JSON.parse(text);
  } catch (error) {
    return deadLetter("parse", "malformed_json", `event is not JSON: ${(error as Error).message}`);
  }
  if (!isJsonObject(value)) {
    const kind = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
    return deadLetter("parse", "not_an_object", `event is ${kind}, not a JSON object`);
  }
  return ok(value);
}

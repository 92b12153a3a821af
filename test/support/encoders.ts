import type { RecordEncoder } from "../../src/avro/encoder.js";
import { DEAD_LETTER_TOPIC } from "../../src/core/topics.js";

/** The message of the one failure `deadLettersFailOnce` throws. */
export const DEAD_LETTER_FAILURE = "the dead-letter schema is gone";

/**
 * `encoder`, except that its first dead-letter encoding throws: a chunk's transform that fails
 * part-way, after the events before that dead letter were handled. Every later call encodes.
 */
export function deadLettersFailOnce(encoder: RecordEncoder): RecordEncoder {
  let failing = true;
  const failOnce = Object.create(encoder) as RecordEncoder;
  failOnce.encodeInto = (...args: Parameters<RecordEncoder["encodeInto"]>) => {
    if (args[1] === DEAD_LETTER_TOPIC && failing) {
      failing = false;
      throw new Error(DEAD_LETTER_FAILURE);
    }
    return encoder.encodeInto(...args);
  };
  return failOnce;
}

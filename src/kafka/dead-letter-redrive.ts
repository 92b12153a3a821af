import type { IHeaders, KafkaMessage } from "kafkajs";
import type { Counts } from "../core/counts.js";
import { tally } from "../core/counts.js";
import type { Logger } from "../ops/logger.js";
import { type DeadLetterSelection, selectDeadLetter } from "../replay/dead-letter-selection.js";
import type { DeadLetterReader } from "./dead-letter-reader.js";
import type { DeadLetterValue } from "./dead-letters.js";
import type { Redriven } from "./raw-message.js";

/** A fetched dead letter turned back into the raw record it holds, with where that came from. */
export type RedrivenMessage = KafkaMessage & { readonly origin: Redriven };

function headersOf(deadLetter: DeadLetterValue): IHeaders {
  const headers: IHeaders = {};
  for (const { key, value } of deadLetter.headers) {
    if (value === null) continue;
    const previous = headers[key];
    const next = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
    // Defined, not assigned: a header named `__proto__` stays a header.
    Object.defineProperty(headers, key, { value: next, enumerable: true, writable: true, configurable: true });
  }
  return headers;
}

/**
 * `cdp-router dlq replay`: the selected dead letters of a fetched `cdp.dlq` batch become their raw
 * records again (key, bytes, headers and timestamp as first read), each keeping its dead-letter
 * offset (what the re-drive commits) and its origin (what its outputs and any new dead letter name).
 */
export class DeadLetterRedrive {
  /** Dead letters read but not re-driven, by why. */
  readonly passedOver: Counts = {};

  constructor(
    private readonly reader: DeadLetterReader,
    private readonly selection: DeadLetterSelection,
    private readonly logger: Logger,
  ) {}

  async select(messages: readonly KafkaMessage[]): Promise<RedrivenMessage[]> {
    const selected: RedrivenMessage[] = [];
    for (const message of messages) {
      const deadLetter = await this.reader.read(message.value);
      if (deadLetter instanceof Error) {
        tally(this.passedOver, "undecodable");
        this.logger.warn({ offset: message.offset, err: deadLetter }, "a cdp.dlq record could not be read; left alone");
        continue;
      }
      const verdict = selectDeadLetter(this.selection, deadLetter);
      if (verdict !== "selected") {
        tally(this.passedOver, verdict);
        continue;
      }
      selected.push({
        key: deadLetter.original_key,
        value: deadLetter.original_value,
        timestamp: String(deadLetter.source_timestamp),
        attributes: 0,
        offset: message.offset,
        headers: headersOf(deadLetter),
        origin: {
          topic: deadLetter.source_topic,
          partition: deadLetter.source_partition,
          offset: String(deadLetter.source_offset),
          attempt: deadLetter.attempt,
          code: deadLetter.code,
        },
      });
    }
    return selected;
  }
}

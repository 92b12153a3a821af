/**
 * Splits a fetched batch into chunks of at most `maxCount` records and at most `maxBytes` of raw
 * values (a record larger than `maxBytes` is a chunk of its own). Why bytes too: kafkajs writes
 * all of a chunk's records for one topic-partition as a single record batch, and the broker
 * refuses a batch over the topic's max.message.bytes (1 MiB by default) however valid each record
 * is. A destination record is about the size of its raw event, so bounding a chunk's raw bytes
 * bounds every batch it produces.
 */
export function chunkMessages<T extends { value: Buffer | null }>(
  messages: readonly T[],
  maxCount: number,
  maxBytes: number,
): T[][] {
  const result: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = message.value?.length ?? 0;
    if (current.length > 0 && (current.length >= maxCount || bytes + size > maxBytes)) {
      result.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) result.push(current);
  return result;
}

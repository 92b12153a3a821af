import type { DeliveryMark } from "../core/outcome.js";

/** A chunk of input records once transformed: what to send, and what it added to the dedupe window. */
export interface TransformedChunk {
  readonly remembered: DeliveryMark[];
}

/** What the loop does to the world; the worker passes kafkajs's batch functions, the tests fakes. */
export interface ChunkLoopEffects<M, T extends TransformedChunk> {
  transform(chunk: readonly M[]): Promise<T>;
  /** Writes a transformed chunk; `nextOffset` is the offset after its last record. */
  send(outputs: T, nextOffset: string): Promise<unknown>;
  /** The chunk's outputs are acknowledged: its last offset may be committed. */
  resolveOffset(offset: string): void;
  /** Counts a delivered chunk (metrics, backoff reset). */
  delivered(outputs: T, chunk: readonly M[]): void;
  heartbeat(): Promise<void>;
  /** Takes deliveries that never happened out of the dedupe window. */
  forget(marks: DeliveryMark[]): void;
  /** A send failed: back off (pause the partition); its records will be fetched again. */
  sendFailed(error: Error): void;
  /** False once the worker stops or the partition is revoked. */
  active(): boolean;
}

type InFlight<M, T> = { sent: Promise<unknown>; last: string; outputs: T; chunk: readonly M[] };

/**
 * Runs a fetched batch's chunks in order, with one chunk's outputs in flight while the next is
 * transformed: the transform overlaps the wait for acknowledgements, and a chunk is only sent once
 * the one before it is acknowledged, so outputs keep their input order. A chunk whose send fails
 * is not resolved, and the loop ends (`failed: true`): its records and the ones after it are
 * fetched again from the last resolved offset. However the loop ends (a failed send, a revocation,
 * a heartbeat or transform that throws), the deliveries of chunks transformed but not acknowledged
 * are forgotten: their records come back, and must not be skipped then as duplicates of
 * deliveries that never happened.
 */
export async function runChunks<M extends { offset: string }, T extends TransformedChunk>(
  chunks: Iterable<readonly M[]>,
  effects: ChunkLoopEffects<M, T>,
): Promise<{ failed: boolean }> {
  const undelivered = new Set<DeliveryMark[]>();
  const delivered = ({ outputs, chunk, last }: InFlight<M, T>) => {
    undelivered.delete(outputs.remembered);
    effects.resolveOffset(last);
    effects.delivered(outputs, chunk);
  };
  const settle = async (flight: InFlight<M, T>): Promise<boolean> => {
    try {
      await flight.sent;
    } catch (error) {
      effects.sendFailed(error as Error);
      return false;
    }
    delivered(flight);
    await effects.heartbeat();
    return true;
  };
  let inFlight: InFlight<M, T> | undefined;
  try {
    for (const chunk of chunks) {
      const last = chunk[chunk.length - 1];
      if (!last || !effects.active()) break;
      const outputs = await effects.transform(chunk);
      undelivered.add(outputs.remembered);
      const previous = inFlight;
      inFlight = undefined;
      if (previous && !(await settle(previous))) return { failed: true };
      // Stopping, or the partition was revoked while the previous chunk was in flight.
      if (!effects.active()) break;
      const sent = effects.send(outputs, String(BigInt(last.offset) + 1n));
      sent.catch(() => undefined); // awaited by settle; never unhandled
      inFlight = { sent, last: last.offset, outputs, chunk };
    }
    const previous = inFlight;
    inFlight = undefined;
    return { failed: previous !== undefined && !(await settle(previous)) };
  } finally {
    // Left in flight by an exception: its outcome still decides whether its offsets resolve.
    const left = inFlight;
    if (left)
      await left.sent.then(
        () => delivered(left),
        () => undefined,
      );
    for (const marks of undelivered) effects.forget(marks);
  }
}

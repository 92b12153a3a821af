import { performance } from "node:perf_hooks";

/** A thread's name and the milliseconds its event loop has spent working (not waiting) since it started. */
export type BusyReading = readonly [thread: string, busyMs: number];

/** The calling thread's busy milliseconds since it started (Node's event-loop utilisation, `active`). */
export function currentThreadBusyMs(): number {
  return performance.eventLoopUtilization().active;
}

/**
 * Turns cumulative busy times into counter increments: what each thread worked since the previous
 * reading. A thread whose figure went down was replaced by a new one under the same name (a
 * restarted transform thread): all of the new figure counts, so the counter never goes back.
 */
export class BusyTime {
  private readonly last = new Map<string, number>();

  constructor(private readonly read: () => Iterable<BusyReading>) {}

  /** Seconds each thread worked since the previous call, in the order `read` names them. */
  increments(): Array<[thread: string, seconds: number]> {
    const result: Array<[string, number]> = [];
    for (const [thread, busyMs] of this.read()) {
      const before = this.last.get(thread) ?? 0;
      const worked = busyMs >= before ? busyMs - before : busyMs;
      this.last.set(thread, busyMs);
      result.push([thread, worked / 1000]);
    }
    return result;
  }
}

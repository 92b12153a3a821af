import { performance } from "node:perf_hooks";
import { threadId } from "node:worker_threads";

/**
 * A thread's milliseconds of work (its event loop working, not waiting) since it started, and
 * which thread it is: Node's `threadId`, never reused within a process, tells a thread replaced
 * under the same name (a restarted worker's new transform thread) from the same one read again.
 */
export interface ThreadBusy {
  readonly threadId: number;
  readonly busyMs: number;
}

/** A thread's name (`main`, `transform-0`, ...) and its busy time. */
export type BusyReading = readonly [thread: string, busy: ThreadBusy];

/** The calling thread's busy time since it started (Node's event-loop utilisation, `active`). */
export function currentThreadBusy(): ThreadBusy {
  return { threadId, busyMs: performance.eventLoopUtilization().active };
}

/**
 * Turns cumulative busy times into counter increments: what each thread worked since the previous
 * reading, so the counter never goes back.
 * - A thread replaced under the same name counts all of the new thread's figure.
 * - The same thread's figure read lower than before is no work. A worker thread's figure read
 *   from another thread is not monotonic (measured on Node 24: between two reads of an idle
 *   thread it fell by up to 2.6 ms, in half of 200,000 reads); taking a lower figure for a new
 *   thread counted the thread's whole lifetime again at every such read (an idle worker's
 *   transform thread seemed busy 193% of a benchmark run). The highest figure seen is kept, so
 *   the same work is not counted twice when the figure climbs back.
 */
export class BusyTime {
  private readonly last = new Map<string, ThreadBusy>();

  constructor(private readonly read: () => Iterable<BusyReading>) {}

  /** Seconds each thread worked since the previous call, in the order `read` names them. */
  increments(): Array<[thread: string, seconds: number]> {
    const result: Array<[string, number]> = [];
    for (const [thread, now] of this.read()) {
      const before = this.last.get(thread);
      if (before === undefined || before.threadId !== now.threadId) {
        this.last.set(thread, now);
        result.push([thread, now.busyMs / 1000]);
        continue;
      }
      const worked = Math.max(0, now.busyMs - before.busyMs);
      if (worked > 0) this.last.set(thread, now);
      result.push([thread, worked / 1000]);
    }
    return result;
  }
}

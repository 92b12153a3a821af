/**
 * `--rate EVENTS_PER_SECOND`: each chunk reserves its events' share of time, one after another,
 * so that the replay never runs ahead of the rate over any window longer than a chunk. Several
 * partitions reserve from one limiter: the rate is the replay's, not each partition's. Pure: the
 * caller passes the clock and does the waiting.
 */
export class RateLimiter {
  /** When the time reserved so far runs out (epoch ms). */
  private reservedUntil = 0;

  constructor(private readonly eventsPerSecond: number) {
    if (!(eventsPerSecond > 0) || !Number.isFinite(eventsPerSecond)) {
      throw new Error(`the rate must be a positive number of events per second, not ${eventsPerSecond}`);
    }
  }

  /**
   * Reserves `events` and says how long to wait before processing them (0: at once). A limiter
   * left idle does not save up credit: after a pause the rate starts again from now.
   */
  reserve(events: number, now: number): number {
    const startsAt = Math.max(now, this.reservedUntil);
    this.reservedUntil = startsAt + (events * 1000) / this.eventsPerSecond;
    return startsAt - now;
  }

  /** The largest chunk worth sending at this rate: about half a second's events, so waits stay short. */
  chunkSize(limit: number): number {
    return Math.max(1, Math.min(limit, Math.floor(this.eventsPerSecond / 2)));
  }
}

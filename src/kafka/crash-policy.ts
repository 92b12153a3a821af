/**
 * Whether a consumer crash is one the cluster survives (a broker stalled or failing over: topic
 * metadata not loaded, the group coordinator moving, connections reset), so that the worker
 * should start again in the same process rather than exit. kafkajs marks such errors retriable,
 * directly or in the cause it wraps; a crash after kafkajs ran out of retries counts too.
 */
export function isSurvivableCrash(error: unknown): boolean {
  let cause: unknown = error;
  for (let depth = 0; depth < 10 && cause instanceof Error; depth++) {
    if (cause.name === "KafkaJSNumberOfRetriesExceeded") return true;
    if ((cause as { retriable?: unknown }).retriable === true) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * At most `restarts` in-process restarts within `windowMs`, each after a doubling delay: a crash
 * that keeps coming back (a broker that does not return, a deleted topic) still ends the process
 * for its supervisor, with the error.
 */
export class RestartBudget {
  private readonly times: number[] = [];

  constructor(
    private readonly restarts = 10,
    private readonly windowMs = 10 * 60_000,
  ) {}

  /** The delay before the next restart, or undefined when the budget is spent. */
  next(now: number): number | undefined {
    while (this.times.length > 0 && now - (this.times[0] ?? 0) > this.windowMs) this.times.shift();
    if (this.times.length >= this.restarts) return undefined;
    this.times.push(now);
    return Math.min(30_000, 1_000 * 2 ** (this.times.length - 1));
  }
}

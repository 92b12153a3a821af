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
    if (UNREACHABLE_CLUSTER.test(cause.message)) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * The brokers unreachable or the group coordinator gone (a broker stopped, an outage, a whole
 * cluster restarting): kafkajs 2.2.4 crashes the consumer with a KafkaJSNonRetriableError that
 * keeps only the message ("Connection error: connect ECONNREFUSED ...", "Failed to find group
 * coordinator"), no cause. Exiting on it (CI saw it 0.3 s after the broker stopped) put the
 * worker in its supervisor's restart back-off (Kubernetes: up to 5 minutes) for an outage of
 * seconds; restarting in-process, within the budget, resumes as soon as a broker answers, and a
 * cluster that never comes back still ends the process once the budget is spent.
 */
const UNREACHABLE_CLUSTER = /^Connection error: |^Failed to find group coordinator/;

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

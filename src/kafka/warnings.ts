/**
 * kafkajs 2.2.4's RequestQueue.scheduleCheckPendingRequests passes `throttledUntil - Date.now()`
 * to setTimeout while nothing is throttled (throttledUntil = -1), a negative delay. Node 22+
 * clamps it to 1 ms, as older Nodes did silently, and prints a TimeoutNegativeWarning each
 * time. The behaviour is unchanged; only the noise goes. Every other warning is still printed.
 */
export function silenceKafkajsTimeoutWarning(): void {
  if (process.listenerCount("warning") === 0 || process.env.CDP_ROUTER_ALL_WARNINGS === "1") return;
  // Removing the listeners turns off Node's default printing; this one prints the rest alike.
  process.removeAllListeners("warning");
  process.on("warning", (warning) => {
    if (warning.name === "TimeoutNegativeWarning") return;
    process.stderr.write(`(node:${process.pid}) ${warning.name}: ${warning.message}\n`);
  });
}

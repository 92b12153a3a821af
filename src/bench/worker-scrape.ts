import { createServer } from "node:net";

// Reading a benchmarked worker's own /metrics (the worker runs with CDP_HTTP_PORT set to a free port).

/** A port nothing listens on now, for a worker's metrics. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}

/** The worker's metrics in Prometheus's text format. */
export async function scrapeMetrics(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (!response.ok) throw new Error(`metrics on port ${port}: HTTP ${response.status}`);
  return response.text();
}

export const THREAD_BUSY_METRIC = "cdp_router_thread_busy_seconds_total";

/** Busy seconds by thread (`main`, `transform-0`, ...) from cdp_router_thread_busy_seconds_total. */
export function readThreadBusy(text: string): Map<string, number> {
  const busy = new Map<string, number>();
  const prefix = `${THREAD_BUSY_METRIC}{thread="`;
  for (const line of text.split("\n")) {
    if (!line.startsWith(prefix)) continue;
    const close = line.indexOf('"}', prefix.length);
    const seconds = Number(line.slice(close + 2).trim());
    if (close >= 0 && Number.isFinite(seconds)) busy.set(line.slice(prefix.length, close), seconds);
  }
  return busy;
}

/** Each thread's share of the wall time between two readings (0 to 1), in the later reading's order. */
export function threadUtilisation(
  earlier: ReadonlyMap<string, number>,
  later: ReadonlyMap<string, number>,
  wallSeconds: number,
): Array<[thread: string, utilisation: number]> {
  return [...later].map(([thread, seconds]) => [thread, (seconds - (earlier.get(thread) ?? 0)) / wallSeconds]);
}

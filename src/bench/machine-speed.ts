import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { COMPARE_BENCHES, readMetric } from "./compare-plan.js";

const run = promisify(execFile);

/** `bench:transform` as `bench:compare` runs it: its script, its arguments and the figure it prints. */
const TRANSFORM = COMPARE_BENCHES.find((bench) => bench.id === "transform");

/** Events per speed reading: enough for a steady figure, few enough for seconds per reading. */
export const SPEED_EVENTS = 20_000;

/**
 * `bench:transform`'s median CPU µs per event, from the JSON line it prints last (`readMetric`,
 * as `bench:compare` reads it). A figure that is not positive is an error too: a speed reading
 * that came out as 0 or NaN would make a run look comparable when it is not.
 */
export function transformMicrosFromOutput(stdout: string): number {
  const micros = readMetric(stdout, "cpuMicrosPerEvent");
  if (micros <= 0) throw new Error(`bench:transform's summary has no positive cpuMicrosPerEvent: ${micros}`);
  return micros;
}

/**
 * The machine's speed at this moment: `bench:transform`'s CPU µs per event on one core (a fixed,
 * CPU-bound piece of the worker's own work), in a process of its own. This machine's speed moves
 * by a half or more between hours, and not alike for every program: in one slow phase the Node
 * processes needed 1.2-1.4 times their usual CPU per event while the Java producer did not slow;
 * in the next, the Java producer slowed more than they did. A run's ratios to the Java producer
 * mean something only beside this figure.
 */
export async function transformMicrosPerEvent(root: string): Promise<number> {
  if (TRANSFORM === undefined) throw new Error("bench:compare lists no transform benchmark");
  const { stdout } = await run(process.execPath, [join(root, TRANSFORM.script), ...TRANSFORM.args(SPEED_EVENTS)], {
    cwd: root,
    maxBuffer: 1024 * 1024,
  });
  return transformMicrosFromOutput(stdout);
}

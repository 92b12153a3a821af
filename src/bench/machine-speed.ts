import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * The last JSON line `bench:transform` prints, `{"events":...,"cpuMicrosPerEvent":...}`, read
 * for its median CPU µs per event. Anything else is an error: a speed reading that silently
 * came out as NaN would make a run look comparable when it is not.
 */
export function transformMicrosFromOutput(stdout: string): number {
  const line = stdout
    .split("\n")
    .map((text) => text.trim())
    .filter((text) => text.startsWith("{"))
    .at(-1);
  if (line === undefined) throw new Error("bench:transform printed no JSON summary line");
  const micros = (JSON.parse(line) as { cpuMicrosPerEvent?: unknown }).cpuMicrosPerEvent;
  if (typeof micros !== "number" || !Number.isFinite(micros) || micros <= 0) {
    throw new Error(`bench:transform's summary has no positive cpuMicrosPerEvent: ${line}`);
  }
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
export async function transformMicrosPerEvent(root: string, events = 20_000, rounds = 3): Promise<number> {
  const script = join(root, "dist", "bench", "transform-bench.js");
  const { stdout } = await run(process.execPath, [script, String(events), String(rounds)], {
    cwd: root,
    maxBuffer: 1024 * 1024,
  });
  return transformMicrosFromOutput(stdout);
}

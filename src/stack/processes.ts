import { execFileSync, spawn } from "node:child_process";
import { closeSync, openSync, rmSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Every process the stack starts carries `-Dcdp.stack.component=<component dir>` on its command
 * line. That marker, not only the pid file, is how processes are found again: a pid file can be
 * stale after a crash (and its pid reused), or missing while the process still runs.
 */
export function componentMarker(componentDir: string): string {
  return `-Dcdp.stack.component=${componentDir}`;
}

export interface StartedProcess {
  readonly pid: number;
}

export interface StartOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly logFile: string;
  readonly pidFile: string;
}

/** Starts a detached process that outlives this one, its output appended to `logFile`. */
export function startDetached(options: StartOptions): StartedProcess {
  const log = openSync(options.logFile, "a");
  try {
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ["ignore", log, log],
    });
    if (child.pid === undefined) throw new Error(`could not start ${options.command}`);
    child.unref();
    writeFileSync(options.pidFile, `${child.pid}\n`);
    return { pid: child.pid };
  } finally {
    closeSync(log);
  }
}

/** How a marker is matched: a whole argument, or (every Kafka node of a stack) its beginning. */
export interface MarkerMatch {
  readonly prefix?: boolean;
}

/**
 * Pids of running processes whose command line holds `marker` as a whole argument, or, with
 * `prefix`, an argument that begins with it. Whole by default: the registry's folder
 * `.../registry` is a prefix of its auth proxy's `.../registry-auth`, and a proxy left running
 * without its registry made the stack wait 180 s for a registry it took to be starting.
 */
export function findByMarker(marker: string, match: MarkerMatch = {}): number[] {
  const listing = execFileSync("ps", ["-eww", "-o", "pid=,args="], { encoding: "utf8" });
  return listing
    .split("\n")
    .filter((line) => (match.prefix ? line.includes(marker) : line.endsWith(marker) || line.includes(`${marker} `)))
    .map((line) => Number.parseInt(line.trim(), 10))
    .filter((pid) => Number.isInteger(pid) && pid !== process.pid);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

async function waitForExit(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(100);
    alive = alive.filter(isAlive);
  }
  return alive;
}

/**
 * Stops every process carrying `marker`: SIGTERM (Kafka shuts down cleanly on it), then SIGKILL
 * after `graceMs`. Returns the pids that were found. Removes the pid file either way.
 */
export async function stopByMarker(
  marker: string,
  graceMs: number,
  pidFile?: string,
  match: MarkerMatch = {},
): Promise<number[]> {
  const pids = findByMarker(marker, match);
  for (const pid of pids) signal(pid, "SIGTERM");
  const stubborn = await waitForExit(pids, graceMs);
  for (const pid of stubborn) signal(pid, "SIGKILL");
  const undead = await waitForExit(stubborn, 5_000);
  if (undead.length > 0) throw new Error(`processes ${undead.join(", ")} did not exit after SIGKILL`);
  if (pidFile) rmSync(pidFile, { force: true });
  return pids;
}

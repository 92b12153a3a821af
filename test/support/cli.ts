import { spawn } from "node:child_process";

const CLI = new URL("../../bin/cdp-router.js", import.meta.url).pathname;

/** How long a run past its time limit has, after SIGTERM, to stop cleanly before SIGKILL. */
const STOP_GRACE_MS = 15_000;

export interface CliRun {
  /** The exit code; null when the run was killed at its time limit. */
  code: number | null;
  /** stdout then stderr. */
  output: string;
  seconds: number;
}

/**
 * Runs `cdp-router ARGS` as a user would, with `env` over the test's environment and its HTTP
 * server off. At `timeoutMs` it gets SIGTERM, as a user's Ctrl-C, and SIGKILL if it has not
 * stopped within a grace: a run that hangs while stopping still returns, with its output, instead
 * of holding the test until the test's own time limit says nothing about where it was.
 */
export function cli(args: string[], env: Record<string, string>, input?: string, timeoutMs = 90_000): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, CDP_HTTP_PORT: "0", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    let timedOut = false;
    let killer: NodeJS.Timeout | undefined;
    const limit = setTimeout(() => {
      timedOut = true;
      child.kill("SIGTERM");
      killer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(limit);
      clearTimeout(killer);
      const seconds = (Date.now() - started) / 1000;
      const note = timedOut
        ? `\n[cli: stopped at its ${timeoutMs / 1000} s limit, exit ${code}, after ${seconds} s]`
        : "";
      resolve({
        code: timedOut ? null : code,
        output: Buffer.concat(stdout).toString() + Buffer.concat(stderr).toString() + note,
        seconds,
      });
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(input ?? "");
  });
}

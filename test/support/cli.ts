import { execFile } from "node:child_process";

const CLI = new URL("../../bin/cdp-router.js", import.meta.url).pathname;

export interface CliRun {
  /** The exit code; null when the run was killed at its time limit. */
  code: number | null;
  /** stdout then stderr. */
  output: string;
  seconds: number;
}

/** Runs `cdp-router ARGS` as a user would, with `env` over the test's environment and its HTTP server off. */
export function cli(args: string[], env: Record<string, string>, input?: string, timeoutMs = 90_000): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, CDP_HTTP_PORT: "0", ...env }, timeout: timeoutMs },
      (error, stdout, stderr) => {
        const code = error ? ((error as { code?: unknown }).code as number | null) : 0;
        resolve({
          code: typeof code === "number" ? code : null,
          output: stdout + stderr,
          seconds: (Date.now() - started) / 1000,
        });
      },
    );
    child.stdin?.end(input ?? "");
  });
}

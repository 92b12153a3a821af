import { onTestFailed } from "vitest";

interface StepRecord {
  readonly name: string;
  readonly seconds: number | undefined;
  readonly detail: string;
}

/**
 * The steps of a long integration test, each with its own time limit, timed. A step past its limit
 * fails the test with its name and the steps before it; any failure (the test's own time limit
 * too) prints every step's duration and the output it kept, so a CI log says where a slow run was.
 * Create it inside the test: it registers the failure report for that test.
 */
export class Steps {
  private readonly records: StepRecord[] = [];
  private readonly started = Date.now();
  private current: { name: string; since: number } | undefined;

  constructor() {
    onTestFailed(() => {
      console.error(this.report());
    });
  }

  /** Runs `work` as the step `name`; rejects once `limitMs` has passed without it ending. */
  async run<T>(name: string, limitMs: number, work: () => Promise<T>, keep?: (value: T) => string): Promise<T> {
    const since = Date.now();
    this.current = { name, since };
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`step "${name}" did not end within ${limitMs / 1000} s\n${this.report()}`)),
        limitMs,
      );
    });
    try {
      const value = await Promise.race([work(), expired]);
      this.records.push({ name, seconds: (Date.now() - since) / 1000, detail: keep ? keep(value) : "" });
      return value;
    } catch (error) {
      this.records.push({ name, seconds: undefined, detail: (error as Error).message.split("\n")[0] ?? "" });
      throw error;
    } finally {
      this.current = undefined;
      clearTimeout(timer);
    }
  }

  /** Every step so far with its duration, and the one running now. */
  report(): string {
    const lines = this.records.map(
      (r) =>
        `  ${r.seconds === undefined ? "failed" : `${r.seconds.toFixed(1)} s`.padStart(8)}  ${r.name}${r.detail ? `\n${indent(r.detail)}` : ""}`,
    );
    if (this.current) {
      lines.push(`  running for ${((Date.now() - this.current.since) / 1000).toFixed(1)} s: ${this.current.name}`);
    }
    return `steps (${((Date.now() - this.started) / 1000).toFixed(1)} s in all):\n${lines.join("\n")}`;
  }
}

/** The last `count` lines of `text` (a log, a command's output), trailing blank lines left out. */
export function lastLines(text: string, count: number): string {
  return text.trimEnd().split("\n").slice(-count).join("\n");
}

function indent(text: string): string {
  return lastLines(text, 30)
    .split("\n")
    .map((line) => `            ${line}`)
    .join("\n");
}

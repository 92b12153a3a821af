import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { componentMarker, findByMarker, isAlive, startDetached, stopByMarker } from "../../../src/stack/processes.js";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) {
    await stopByMarker(componentMarker(dir), 1_000);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A real detached process carrying the stack's marker, standing in for a broker. */
function startFake(script: string, folder?: string): { dir: string; pid: number; pidFile: string } {
  const dir = folder ?? mkdtempSync(join(tmpdir(), "cdp-stack-"));
  if (folder) mkdirSync(folder, { recursive: true });
  dirs.push(dir);
  const pidFile = join(dir, "fake.pid");
  const { pid } = startDetached({
    command: process.execPath,
    args: ["-e", script, "--", componentMarker(dir)],
    cwd: dir,
    env: process.env,
    logFile: join(dir, "fake.log"),
    pidFile,
  });
  return { dir, pid, pidFile };
}

describe("stack processes are found by their marker, not only their pid file", () => {
  it("finds a running process after its pid file is lost and stops it", async () => {
    const fake = startFake("setInterval(() => {}, 1000)");
    rmSync(fake.pidFile);
    expect(findByMarker(componentMarker(fake.dir))).toEqual([fake.pid]);
    expect(await stopByMarker(componentMarker(fake.dir), 5_000, fake.pidFile)).toEqual([fake.pid]);
    expect(isAlive(fake.pid)).toBe(false);
  });

  it("kills a process that ignores SIGTERM once the grace period is over", async () => {
    const fake = startFake("process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)");
    await new Promise((resolve) => setTimeout(resolve, 300)); // let it install its handler
    const started = Date.now();
    await stopByMarker(componentMarker(fake.dir), 500, fake.pidFile);
    expect(isAlive(fake.pid)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(existsSync(fake.pidFile)).toBe(false);
  });

  it("a marker that is a prefix of another process's marker does not find it (registry and registry-auth)", () => {
    const base = mkdtempSync(join(tmpdir(), "cdp-stack-"));
    dirs.push(base);
    const proxy = startFake("setInterval(() => {}, 1000)", join(base, "registry-auth"));
    expect(findByMarker(componentMarker(join(base, "registry")))).toEqual([]);
    expect(findByMarker(componentMarker(proxy.dir))).toEqual([proxy.pid]);
    // Asked for on purpose (every Kafka node of a stack: `.../kafka-`), a prefix finds it.
    expect(findByMarker(componentMarker(join(base, "registry")), { prefix: true })).toEqual([proxy.pid]);
  });

  it("does not touch processes of another stack folder", async () => {
    const mine = startFake("setInterval(() => {}, 1000)");
    const other = startFake("setInterval(() => {}, 1000)");
    await stopByMarker(componentMarker(mine.dir), 5_000);
    expect(isAlive(mine.pid)).toBe(false);
    expect(isAlive(other.pid)).toBe(true);
  });
});

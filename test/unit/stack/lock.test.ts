import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { withStackLock } from "../../../src/stack/lock.js";

describe("the stack lock", () => {
  it("serialises concurrent work on one stack folder", async () => {
    const lockDir = join(mkdtempSync(join(tmpdir(), "cdp-lock-")), "lock");
    const events: string[] = [];
    const job = (name: string) =>
      withStackLock(lockDir, 5_000, async () => {
        events.push(`${name}:start`);
        await sleep(100);
        events.push(`${name}:end`);
      });
    await Promise.all([job("a"), job("b")]);
    expect(events).toHaveLength(4);
    expect(events[1]?.endsWith(":end")).toBe(true);
    expect(events[0]?.split(":")[0]).toBe(events[1]?.split(":")[0]);
  });

  it("takes over a lock left behind by a process that died", async () => {
    const lockDir = join(mkdtempSync(join(tmpdir(), "cdp-lock-")), "lock");
    mkdirSync(lockDir);
    writeFileSync(join(lockDir, "owner"), "2147483646"); // no such pid
    await expect(withStackLock(lockDir, 1_000, async () => "ran")).resolves.toBe("ran");
  });

  it("gives up with the holder's pid when a live process keeps the lock", async () => {
    const lockDir = join(mkdtempSync(join(tmpdir(), "cdp-lock-")), "lock");
    mkdirSync(lockDir);
    writeFileSync(join(lockDir, "owner"), String(process.ppid));
    await expect(withStackLock(lockDir, 300, async () => "ran")).rejects.toThrow(String(process.ppid));
  });
});

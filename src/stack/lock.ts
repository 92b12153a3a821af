import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { isAlive } from "./processes.js";

/**
 * A cross-process lock on the stack folder, so that `npm start` and a test run started at the
 * same moment do not both download artifacts or start brokers. A lock left by a dead process
 * is taken over.
 */
export async function withStackLock<T>(lockDir: string, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  const owner = join(lockDir, "owner");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lockDir, { recursive: false });
      writeFileSync(owner, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number.parseInt(readOwner(lockDir, owner), 10);
      if (!Number.isInteger(holder) || !isAlive(holder)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`the stack is locked by process ${holder} (${lockDir})`);
      await sleep(200);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function readOwner(lockDir: string, owner: string): string {
  try {
    return readFileSync(owner, "utf8");
  } catch {
    // The holder may have made the folder and not yet written its pid: wait for it briefly,
    // then take the lock as abandoned.
    try {
      return Date.now() - statSync(lockDir).mtimeMs < 5_000 ? String(process.pid) : "";
    } catch {
      return "";
    }
  }
}

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { CHAOS_SCRIPTS } from "./python.js";

// The campaign checks its own input before it checks the workers: its producer writes with
// acks=all, but a cluster pushed hard enough can still lose acknowledged records (CI, 2026-11-27:
// a controller event took 14 s, the controller fenced all three brokers at once, and a new leader
// truncated four acknowledged raw records). A record that is not in the raw topic never reached a
// worker; its outputs are not expected of them, and the loss is reported as the brokers'.

export function valueDigest(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** The SHA-256 of every record value in the raw topic, counted, read by the independent reader. */
export async function readInputDigests(python: string, brokers: string, topic: string): Promise<Map<string, number>> {
  const child = spawn(python, [join(CHAOS_SCRIPTS, "read_input.py"), brokers, topic], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const digests = new Map<string, number>();
  for await (const line of createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY }))
    if (line !== "") digests.set(line, (digests.get(line) ?? 0) + 1);
  const code = await exited;
  if (code !== 0) throw new Error(`the input reader failed (exit ${code}): ${stderr}`);
  return digests;
}

/**
 * Splits the produced inputs into those the raw topic holds and those it does not, as multisets:
 * an input sent twice must be there twice.
 */
export function presentInputs<T extends { readonly bytes: Uint8Array }>(
  inputs: readonly T[],
  digests: ReadonlyMap<string, number>,
): { present: T[]; lost: T[] } {
  const left = new Map(digests);
  const present: T[] = [];
  const lost: T[] = [];
  for (const input of inputs) {
    const digest = valueDigest(input.bytes);
    const count = left.get(digest) ?? 0;
    if (count > 0) {
      left.set(digest, count - 1);
      present.push(input);
    } else lost.push(input);
  }
  return { present, lost };
}

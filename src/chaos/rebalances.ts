import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Admin, AssignerProtocol } from "kafkajs";

/**
 * Per member, the time from kafkajs announcing a rebalance ("rebalancing") to the member joining
 * the new generation ("joined the consumer group"): kafkajs rebalances eagerly, so in between the
 * member processes nothing. Pure over the worker logs' lines (pino JSON).
 */
export function rebalancePauses(logLines: readonly string[]): number[] {
  const pauses: number[] = [];
  let since: number | undefined;
  for (const line of logLines) {
    if (!line.startsWith("{")) continue;
    let entry: { time?: number; msg?: string };
    try {
      entry = JSON.parse(line) as { time?: number; msg?: string };
    } catch {
      continue;
    }
    if (typeof entry.time !== "number") continue;
    if (entry.msg === "rebalancing") since ??= entry.time;
    else if (entry.msg === "joined the consumer group" && since !== undefined) {
      pauses.push(entry.time - since);
      since = undefined;
    }
  }
  return pauses;
}

/** Every worker's pauses, from the run's `worker-*.log` files. */
export function pausesInLogs(dir: string): number[] {
  return readdirSync(dir)
    .filter((file) => /^worker-\d+\.log$/.test(file))
    .flatMap((file) => rebalancePauses(readFileSync(join(dir, file), "utf8").split("\n")));
}

/** Partitions of `topic` that no member of the group owns. */
export async function unownedPartitions(admin: Admin, groupId: string, topic: string): Promise<number[]> {
  const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
  const all = (metadata?.partitions ?? []).map((p) => p.partitionId);
  const { groups } = await admin.describeGroups([groupId]);
  const owned = new Set<number>();
  for (const member of groups[0]?.members ?? []) {
    const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
    for (const partition of assignment?.assignment[topic] ?? []) owned.add(partition);
  }
  return all.filter((partition) => !owned.has(partition)).sort((a, b) => a - b);
}

export function describePauses(pauses: readonly number[]): string {
  if (pauses.length === 0) return "none";
  const sorted = [...pauses].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  return `${pauses.length} member pause(s), median ${median} ms, max ${sorted.at(-1)} ms`;
}

import type { Admin } from "kafkajs";

/** The end offset of each input partition at a moment. */
export type Ends = ReadonlyMap<number, number>;

/** Committed offsets of a group; -1 (nothing committed yet) counts as 0. */
export async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<Map<number, number>> {
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map(committed?.partitions.map((p) => [p.partition, Math.max(0, Number(p.offset))]) ?? []);
}

export async function endOffsets(admin: Admin, topic: string): Promise<Map<number, number>> {
  return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
}

/** Whether the group has committed everything up to `ends` on every partition. */
export function reached(committed: ReadonlyMap<number, number>, ends: Ends): boolean {
  for (const [partition, end] of ends) if ((committed.get(partition) ?? 0) < end) return false;
  return true;
}

/**
 * Recovery time per fault kind: from the end of a fault (the broker restarted, the worker resumed)
 * until the group has committed every input record written before that moment. Under steady load
 * the lag is never zero for long, so "back to zero" is measured against the end offsets at the
 * fault's end. Each fault is polled in the background while the next ones run.
 */
export class RecoveryClock {
  private readonly pending: Array<{ kind: string; since: number; ends: Ends }> = [];
  private readonly times = new Map<string, number[]>();

  record(kind: string, ends: Ends): void {
    this.pending.push({ kind, since: Date.now(), ends });
  }

  /** Checks the pending faults against the committed offsets now. */
  check(committed: ReadonlyMap<number, number>): void {
    const now = Date.now();
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const fault = this.pending[i];
      if (!fault || !reached(committed, fault.ends)) continue;
      const list = this.times.get(fault.kind) ?? [];
      list.push((now - fault.since) / 1000);
      this.times.set(fault.kind, list);
      this.pending.splice(i, 1);
    }
  }

  get unrecovered(): number {
    return this.pending.length;
  }

  /** `kind median/max s (n)` for every kind, e.g. `kill_broker 12.1/30.4 s (3)`. */
  summary(): string {
    return [...this.times.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([kind, list]) => {
        const sorted = [...list].sort((a, b) => a - b);
        const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
        const max = sorted[sorted.length - 1] ?? 0;
        return `${kind} ${median.toFixed(1)}/${max.toFixed(1)} s (${list.length})`;
      })
      .join(", ");
  }
}

import { setTimeout as sleep } from "node:timers/promises";
import type { StackEndpoints } from "../stack/endpoints.js";
import { brokerNodes, brokerPid, registryPids, type WorkerPool } from "./actors.js";

export const FAULT_KINDS = [
  "kill_worker",
  "term_worker",
  "stall_worker",
  "kill_broker",
  "stall_broker",
  "kill_registry",
  "add_worker",
  "remove_worker",
  "raise_partitions",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * With overlapping faults, the slow ones run beside the others, one at a time per lane: the stack
 * lane keeps at most one broker (or the registry) down or stalled, as a cluster of three with
 * min.insync.replicas 2 survives; the stall lane keeps at most one worker stopped.
 */
export function laneOf(kind: FaultKind): "stack" | "stall" | undefined {
  if (kind === "kill_broker" || kind === "stall_broker" || kind === "kill_registry") return "stack";
  if (kind === "stall_worker") return "stall";
  return undefined;
}

export interface FaultContext {
  readonly pool: WorkerPool;
  readonly env: NodeJS.ProcessEnv;
  readonly random: () => number;
  readonly say: (line: string) => void;
  /** `stack up` for the three-broker stack: restarts whatever of it died. */
  readonly restartStack: () => Promise<StackEndpoints>;
  readonly minWorkers: number;
  readonly maxWorkers: number;
  /** Names of workers a fault ended on purpose. */
  readonly endedOnPurpose: Set<string>;
  /** Names of workers stopped by a stall fault right now: other worker faults leave them be. */
  readonly stalled: Set<string>;
  /** Past the group's session timeout, so that a stalled worker's partitions move on. */
  readonly workerStallMs: number;
  /** Adds partitions to the input topic while it is written and read; says what it did. */
  readonly raisePartitions: () => Promise<string>;
}

/** Past KRaft's 9 s broker session timeout: the stalled broker is fenced and comes back a zombie leader. */
const BROKER_STALL_MS = 15_000;
const BROKER_DOWN_MS = 10_000;

function pick<T>(items: readonly T[], random: () => number): T | undefined {
  return items[Math.floor(random() * items.length)];
}

/** A running broker of the stack, at random, with its pid. */
function pickBroker(ctx: FaultContext) {
  const node = pick(brokerNodes(ctx.env), ctx.random);
  return { node, pid: node && brokerPid(node) };
}

/** Running workers that no stall fault has stopped. */
function running(ctx: FaultContext) {
  return ctx.pool.alive().filter((worker) => !ctx.stalled.has(worker.name));
}

/** Performs one fault and what follows it (a restart, a resume), and says what it did. */
export async function runFault(kind: FaultKind, ctx: FaultContext): Promise<string> {
  const { pool, random } = ctx;
  switch (kind) {
    case "kill_worker":
    case "term_worker": {
      const worker = pick(running(ctx), random);
      if (!worker) return "no worker to stop";
      ctx.endedOnPurpose.add(worker.name);
      if (kind === "kill_worker") {
        worker.child.kill("SIGKILL");
        await worker.exited;
      } else {
        await pool.terminate(worker);
      }
      const replacement = pool.start();
      pool.watch(replacement, () => ctx.endedOnPurpose.has(replacement.name));
      return `${kind === "kill_worker" ? "SIGKILL" : "SIGTERM"} ${worker.name}, started ${replacement.name}`;
    }
    case "stall_worker": {
      const worker = pick(running(ctx), random);
      if (!worker) return "no worker to stall";
      ctx.stalled.add(worker.name);
      worker.child.kill("SIGSTOP");
      await sleep(ctx.workerStallMs);
      worker.child.kill("SIGCONT");
      ctx.stalled.delete(worker.name);
      return `SIGSTOP ${worker.name} for ${ctx.workerStallMs / 1000} s, then SIGCONT`;
    }
    case "kill_broker": {
      const { node, pid } = pickBroker(ctx);
      if (!node || pid === undefined) return "no broker to kill";
      process.kill(pid, "SIGKILL");
      await sleep(BROKER_DOWN_MS);
      await ctx.restartStack();
      return `SIGKILL broker ${node.nodeId}, restarted after ${BROKER_DOWN_MS / 1000} s`;
    }
    case "stall_broker": {
      const { node, pid } = pickBroker(ctx);
      if (!node || pid === undefined) return "no broker to stall";
      process.kill(pid, "SIGSTOP");
      await sleep(BROKER_STALL_MS);
      process.kill(pid, "SIGCONT");
      return `SIGSTOP broker ${node.nodeId} for ${BROKER_STALL_MS / 1000} s, then SIGCONT`;
    }
    case "kill_registry": {
      for (const pid of registryPids(ctx.env)) process.kill(pid, "SIGKILL");
      await sleep(2_000);
      await ctx.restartStack();
      return "SIGKILL the registry, restarted";
    }
    case "add_worker": {
      if (pool.alive().length >= ctx.maxWorkers) return runFault("remove_worker", ctx);
      const worker = pool.start();
      pool.watch(worker, () => ctx.endedOnPurpose.has(worker.name));
      return `added ${worker.name}`;
    }
    case "remove_worker": {
      if (pool.alive().length <= ctx.minWorkers) return runFault("add_worker", ctx);
      const worker = pick(running(ctx), random);
      if (!worker) return "no worker to remove";
      ctx.endedOnPurpose.add(worker.name);
      await pool.terminate(worker);
      return `removed ${worker.name} (SIGTERM)`;
    }
    case "raise_partitions":
      return ctx.raisePartitions();
  }
}

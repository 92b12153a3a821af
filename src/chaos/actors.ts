import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { WORKER_NODE_FLAGS, workerEnv } from "../ops/node-flags.js";
import { clusterDir, type KafkaNode, kafkaNodes, runningPids } from "../stack/kafka-nodes.js";
import { DEFAULT_KAFKA_VERSION, stackLayout } from "../stack/layout.js";
import { findByMarker } from "../stack/processes.js";
import { registryNode } from "../stack/registry-node.js";

const CLI = fileURLToPath(new URL("../../bin/cdp-router.js", import.meta.url));
/** The workers' shutdown grace (CDP_SHUTDOWN_GRACE_MS, 25 s) and 20 s to disconnect. */
const STOP_LIMIT_MS = 45_000;

export interface Worker {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  stopped: boolean;
}

/** Workers of one campaign: `cdp-router run` child processes, each logging to its own file. */
export class WorkerPool {
  private next = 1;
  readonly workers: Worker[] = [];

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly logDir: string,
  ) {}

  start(): Worker {
    const name = `worker-${this.next++}`;
    const child = spawn(process.execPath, [...WORKER_NODE_FLAGS, CLI, "run"], {
      env: workerEnv({ ...this.env, CDP_WORKER_ID: name }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const log = createWriteStream(join(this.logDir, `${name}.log`));
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const exited = new Promise<number | null>((resolve) =>
      child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : null))),
    );
    const worker: Worker = { name, child, exited, stopped: false };
    exited.then(() => {
      worker.stopped = true;
    });
    this.workers.push(worker);
    return worker;
  }

  alive(): Worker[] {
    return this.workers.filter((worker) => !worker.stopped);
  }

  /** Workers that exited on their own (not by a fault): a fault the cluster survives must not end one. */
  readonly unexpectedExits: string[] = [];

  /** Workers that did not exit within STOP_LIMIT_MS of a SIGTERM (then SIGKILLed): a worker must never hang on stop. */
  readonly hungOnStop: string[] = [];

  private stopping = false;

  /**
   * SIGTERM, then waits for the exit: a worker stops within its shutdown grace (25 s by
   * default) plus its disconnects. One that does not is counted as hung and SIGKILLed, so that a
   * hang fails the campaign instead of stalling it.
   */
  async terminate(worker: Worker): Promise<void> {
    worker.child.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<"hung">((resolve) => {
      timer = setTimeout(() => resolve("hung"), STOP_LIMIT_MS);
    });
    if ((await Promise.race([worker.exited, limit])) === "hung") {
      this.hungOnStop.push(worker.name);
      worker.child.kill("SIGKILL");
      await worker.exited;
    }
    clearTimeout(timer);
  }

  watch(worker: Worker, expected: () => boolean): void {
    worker.exited.then((code) => {
      if (!expected() && !this.stopping) this.unexpectedExits.push(`${worker.name} exited ${code}`);
    });
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.alive().map((worker) => this.terminate(worker)));
  }
}

/** The local three-broker stack's broker processes, found by their command-line markers. */
export function brokerNodes(env: NodeJS.ProcessEnv): KafkaNode[] {
  const layout = stackLayout(env);
  const version = env.CDP_STACK_KAFKA_VERSION?.trim() || DEFAULT_KAFKA_VERSION;
  return kafkaNodes(clusterDir(layout.runtime, version, 3), 3);
}

export function brokerPid(node: KafkaNode): number | undefined {
  return runningPids(node)[0];
}

export function registryPids(env: NodeJS.ProcessEnv): number[] {
  return findByMarker(registryNode(stackLayout(env).registryDir).marker);
}

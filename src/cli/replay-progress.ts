import { SingleBar } from "cli-progress";
import type { ProgressSnapshot } from "../replay/progress.js";

/** Where a replay's progress goes: a bar on a terminal, JSON lines otherwise. */
export interface ProgressView {
  update(snapshot: ProgressSnapshot): void;
  stop(): void;
}

const seconds = (value: number | undefined) => (value === undefined ? "?" : `${Math.round(value)}s`);

/** On a terminal: done/total, rate and ETA on one line that redraws. */
export function progressBar(stream: NodeJS.WriteStream, id: string): ProgressView {
  const bar = new SingleBar({
    stream,
    format: `replay ${id} [{bar}] {percentage}% | {value}/{total} records | {rate}/s | ETA {eta_text}`,
    hideCursor: true,
    etaBuffer: 50,
  });
  let started = false;
  return {
    update(snapshot) {
      const payload = { rate: Math.round(snapshot.rate), eta_text: seconds(snapshot.etaSeconds) };
      if (!started) {
        bar.start(snapshot.total, snapshot.done, payload);
        started = true;
      } else bar.update(snapshot.done, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** Not a terminal (a pod's log, CI): one JSON object per line, at most one per `everyMs`. */
export function progressLines(stream: NodeJS.WritableStream, id: string, everyMs: number): ProgressView {
  let last = 0;
  let finished = false;
  return {
    update(snapshot) {
      const now = Date.now();
      // The last reading always, once; the others at most one per interval.
      if (finished || (now - last < everyMs && snapshot.done < snapshot.total)) return;
      finished = snapshot.done >= snapshot.total;
      last = now;
      const { done, total, partitionsDone, partitions, rate, etaSeconds } = snapshot;
      stream.write(
        `${JSON.stringify({
          replay: id,
          progress: {
            done,
            total,
            partitionsDone,
            partitions,
            rate: Math.round(rate),
            etaSeconds: etaSeconds === undefined ? null : Math.round(etaSeconds),
          },
        })}\n`,
      );
    },
    stop() {},
  };
}

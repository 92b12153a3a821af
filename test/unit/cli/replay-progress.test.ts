import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { progressLines } from "../../../src/cli/replay-progress.js";

const snapshot = { done: 10, total: 100, partitionsDone: 0, partitions: 3, rate: 12.4, etaSeconds: 7.6 };

describe("replay progress when stderr is not a terminal", () => {
  it("writes one JSON line at most every interval, and always the last one", () => {
    const stream = new PassThrough();
    const view = progressLines(stream, "r1", 60_000);
    view.update(snapshot);
    view.update({ ...snapshot, done: 20 });
    view.update({ ...snapshot, done: 100, partitionsDone: 3, etaSeconds: 0 });
    view.update({ ...snapshot, done: 100, partitionsDone: 3, etaSeconds: 0 });
    const lines = String(stream.read()).trim().split("\n");
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { replay: "r1", progress: { done: 10, total: 100, partitionsDone: 0, partitions: 3, rate: 12, etaSeconds: 8 } },
      { replay: "r1", progress: { done: 100, total: 100, partitionsDone: 3, partitions: 3, rate: 12, etaSeconds: 0 } },
    ]);
  });
});

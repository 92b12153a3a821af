import { describe, expect, it } from "vitest";
import { RecoveryClock, reached } from "../../../src/chaos/recovery.js";

describe("chaos: recovery time per fault kind", () => {
  it("a group has recovered when its committed offsets reach the end offsets at the fault's end on every partition", () => {
    const ends = new Map([
      [0, 10],
      [1, 5],
    ]);
    expect(reached(new Map([[0, 10]]), ends)).toBe(false);
    expect(
      reached(
        new Map([
          [0, 12],
          [1, 5],
        ]),
        ends,
      ),
    ).toBe(true);
  });

  it("a fault is timed once, when first reached, and summarised by kind", () => {
    const clock = new RecoveryClock();
    clock.record("kill_broker", new Map([[0, 10]]));
    clock.record("kill_worker", new Map([[0, 20]]));
    clock.check(new Map([[0, 15]]));
    expect(clock.unrecovered).toBe(1);
    clock.check(new Map([[0, 25]]));
    expect(clock.unrecovered).toBe(0);
    expect(clock.summary()).toMatch(/^kill_broker \d+\.\d\/\d+\.\d s \(1\), kill_worker \d+\.\d\/\d+\.\d s \(1\)$/);
  });
});

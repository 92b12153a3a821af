import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DedupeWindow } from "../../../src/pipeline/dedupe.js";

// The dedupe window: the last `size` distinct messageIds, and ids taken back when their records'
// outputs were never written.

describe("dedupe window", () => {
  it("catches a repeat inside the window and forgets the oldest id beyond it", () => {
    const window = new DedupeWindow(2);
    expect(window.checkAndRemember("a")).toBe(false);
    expect(window.checkAndRemember("b")).toBe(false);
    expect(window.checkAndRemember("a")).toBe(true);
    expect(window.checkAndRemember("c")).toBe(false);
    expect(window.checkAndRemember("a")).toBe(false);
    expect(window.count).toBe(2);
  });

  it("a forgotten id is new again, and its empty slot never evicts a later copy of it", () => {
    const window = new DedupeWindow(3);
    window.checkAndRemember("a");
    window.checkAndRemember("b");
    window.forget(["a"]);
    expect(window.count).toBe(1);
    expect(window.checkAndRemember("a")).toBe(false); // remembered again, in slot 2
    window.checkAndRemember("c"); // slot 0, where the forgotten "a" was
    expect(window.checkAndRemember("a")).toBe(true);
  });

  it("behaves like a list of the last `size` distinct ids, whatever is remembered and forgotten", () => {
    const step = fc.oneof(
      fc.record({ remember: fc.constantFrom("a", "b", "c", "d", "e", "f") }),
      fc.record({ forget: fc.constantFrom("a", "b", "c", "d", "e", "f") }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(step, { maxLength: 60 }), (size, steps) => {
        const window = new DedupeWindow(size);
        // The model: slots in arrival order, a forgotten id leaving its slot empty.
        let slots: Array<string | undefined> = [];
        for (const s of steps) {
          if ("remember" in s) {
            const seen = slots.includes(s.remember);
            expect(window.checkAndRemember(s.remember)).toBe(seen);
            if (!seen) slots = [...slots, s.remember].slice(-size);
          } else {
            window.forget([s.forget]);
            slots = slots.map((id) => (id === s.forget ? undefined : id));
          }
          expect(window.count).toBe(slots.filter((id) => id !== undefined).length);
        }
      }),
    );
  });
});

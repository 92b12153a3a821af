import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DedupeWindow } from "../../../src/pipeline/dedupe.js";

// The dedupe window: the last `size` distinct messageIds with the destinations each reached, and
// deliveries taken back when their records' outputs were never written.

/** The window as a plain set of ids (one destination): true when `id` was seen, else remembers it. */
function checkAndRemember(window: DedupeWindow, id: string): boolean {
  if (window.received(id) !== 0) return true;
  window.remember(id, 1);
  return false;
}

const forget = (window: DedupeWindow, id: string) => window.forget([{ messageId: id, destinations: 1 }]);

describe("dedupe window", () => {
  it("catches a repeat inside the window and forgets the oldest id beyond it", () => {
    const window = new DedupeWindow(2);
    expect(checkAndRemember(window, "a")).toBe(false);
    expect(checkAndRemember(window, "b")).toBe(false);
    expect(checkAndRemember(window, "a")).toBe(true);
    expect(checkAndRemember(window, "c")).toBe(false);
    expect(checkAndRemember(window, "a")).toBe(false);
    expect(window.count).toBe(2);
  });

  it("a forgotten id is new again, and its empty slot never evicts a later copy of it", () => {
    const window = new DedupeWindow(3);
    checkAndRemember(window, "a");
    checkAndRemember(window, "b");
    forget(window, "a");
    expect(window.count).toBe(1);
    expect(checkAndRemember(window, "a")).toBe(false); // remembered again, in slot 2
    checkAndRemember(window, "c"); // slot 0, where the forgotten "a" was
    expect(checkAndRemember(window, "a")).toBe(true);
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
            expect(checkAndRemember(window, s.remember)).toBe(seen);
            if (!seen) slots = [...slots, s.remember].slice(-size);
          } else {
            forget(window, s.forget);
            slots = slots.map((id) => (id === s.forget ? undefined : id));
          }
          expect(window.count).toBe(slots.filter((id) => id !== undefined).length);
        }
      }),
    );
  });

  it("remembers which destinations received an id: forgetting one leaves the others remembered", () => {
    const window = new DedupeWindow(4);
    window.remember("m1", 0b001);
    window.remember("m1", 0b100);
    expect(window.received("m1")).toBe(0b101);
    window.forget([{ messageId: "m1", destinations: 0b001 }]);
    expect(window.received("m1")).toBe(0b100);
    window.forget([{ messageId: "m1", destinations: 0b100 }]);
    expect(window.received("m1")).toBe(0);
    expect(window.count).toBe(0);
  });

  it("never remembers a delivery to no destination", () => {
    const window = new DedupeWindow(4);
    window.remember("m1", 0);
    expect(window.count).toBe(0);
  });
});

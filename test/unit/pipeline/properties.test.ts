import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RecordResult } from "../../../src/core/outcome.js";
import { DEFAULT_LIMITS } from "../../../src/events/limits.js";
import { normaliseGroup } from "../../../src/pipeline/normalise-group.js";
import { parseRawEvent } from "../../../src/pipeline/parse.js";
import { OutcomeSummary } from "../../../src/pipeline/summary.js";
import { validateEvent } from "../../../src/pipeline/validate.js";
import { eventText, jsonText, key, scalarText } from "../../support/arbitraries.js";
import { config, pipeline, run } from "../../support/events.js";

// Property-based: any JSON whatsoever, hostile JSON, random bytes, deep and wide values all
// yield outcomes and never an exception, and the outcomes always balance.

function assertWellFormed(result: RecordResult): void {
  expect(["routed", "skipped", "dead_letter"]).toContain(result.outcome);
  if (result.outcome === "routed") expect(result.routed.length).toBeGreaterThan(0);
  if (result.outcome === "dead_letter") {
    expect(result.routed).toHaveLength(0);
    expect(result.deadLetters.length).toBeGreaterThan(0);
  }
  if (result.outcome === "skipped") {
    expect(result.routed).toHaveLength(0);
    expect(result.deadLetters).toHaveLength(0);
    expect(result.skipped.length).toBeGreaterThan(0);
  }
  for (const deadLetter of result.deadLetters) expect(deadLetter.message.length).toBeGreaterThan(0);
  for (const record of result.routed) {
    expect(typeof record.key).toBe("string");
    expect(() => JSON.stringify(record.value)).not.toThrow();
  }
}

function assertNoPollution(): void {
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype.toString).toBe(Object.prototype.toString);
}

const RUNS = 500;

describe("Safety: any JSON input yields outcomes, never an exception", () => {
  it("for any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        assertWellFormed(run(JSON.stringify(value) ?? "null"));
      }),
      { numRuns: RUNS },
    );
  });

  it("for event-shaped payloads built from hostile keys and values", () => {
    const shared = pipeline();
    fc.assert(
      fc.property(eventText, (text) => {
        assertWellFormed(run(text, shared));
        assertNoPollution();
      }),
      { numRuns: RUNS * 4 },
    );
  });

  it("for hand-built JSON text with __proto__, constructor and prototype keys at every level", () => {
    fc.assert(
      fc.property(jsonText, (text) => {
        assertWellFormed(run(text));
        assertWellFormed(run(`{"type":"group","groupId":"g","traits":${text}}`));
        assertNoPollution();
      }),
      { numRuns: RUNS },
    );
  });

  it("for random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        assertWellFormed(run(bytes));
      }),
      { numRuns: RUNS },
    );
  });

  it("for deep values: past the depth limit they are too_deep, never a stack overflow", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom("[", '{"a":'), (depth, open) => {
        const close = open === "[" ? "]" : "}";
        const text = `{"type":"group","groupId":"g","traits":{"x":${open.repeat(depth)}1${close.repeat(depth)}}}`;
        const result = run(text);
        assertWellFormed(result);
        if (depth + 2 > 32) expect(result.deadLetters[0]?.code).toBe("too_deep");
        else expect(result.outcome).toBe("routed");
      }),
      { numRuns: 200 },
    );
  });

  it("for wide values: past the key limit they are too_many_keys", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30_000 }), (width) => {
        const traits = Array.from({ length: width }, (_, i) => `"k${i}":${i}`).join(",");
        const result = run(`{"type":"group","groupId":"g","traits":{${traits}}}`);
        assertWellFormed(result);
        if (width + 3 > 10_000) expect(result.deadLetters[0]?.code).toBe("too_many_keys");
        else expect(result.outcome).toBe("routed");
      }),
      { numRuns: 40 },
    );
  });
});

describe("Outcomes: routed + skipped + dead letters always equal the inputs", () => {
  it("over any sequence of inputs through one pipeline", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(eventText, jsonText, fc.string()), { maxLength: 60 }), (texts) => {
        const shared = pipeline({ dedupe: { windowSize: 5 } });
        const summary = new OutcomeSummary();
        for (const text of texts) summary.add(run(text, shared));
        const { routed, skipped, dead_letter } = summary.outcomes;
        expect(routed + skipped + dead_letter).toBe(texts.length);
        expect(summary.inputs).toBe(texts.length);
      }),
      { numRuns: 200 },
    );
  });
});

describe("GroupUpsert.traitNames: the normalised traits' keys, listed once for every destination", () => {
  const traitsText = fc
    .array(fc.tuple(key, fc.oneof(scalarText, jsonText)), { maxLength: 12 })
    .map((members) => `{${members.map(([name, value]) => `${JSON.stringify(name)}:${value}`).join(",")}}`);

  it("are exactly Object.keys of the traits, in order, after renaming and the keys taken out", () => {
    let checked = 0;
    fc.assert(
      fc.property(traitsText, (traits) => {
        const text = `{"type":"group","groupId":"g","userId":"u","traits":${traits}}`;
        const input = { bytes: Buffer.from(text), provenance: { topic: "t", partition: 0, offset: "0" }, timestamp: 0 };
        const parsed = parseRawEvent(input.bytes, DEFAULT_LIMITS);
        if (!parsed.ok) return;
        const validated = validateEvent(parsed.value, input, []);
        if (!validated.ok || validated.value.type !== "group") return;
        const normalised = normaliseGroup(validated.value, config(), []);
        if (!normalised.ok) return;
        expect(normalised.value.traitNames).toEqual(Object.keys(normalised.value.traits));
        checked++;
      }),
      { numRuns: RUNS },
    );
    // Most generated groups normalise (some are dead-lettered: an objectTypeId that is no id).
    expect(checked).toBeGreaterThan(RUNS / 2);
  });
});

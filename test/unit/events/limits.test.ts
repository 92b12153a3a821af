import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkShape, type InputLimits } from "../../../src/events/limits.js";

/** Depth and key count of a parsed value, counted the slow, obvious way. */
function measure(value: unknown, depth = 0): { depth: number; keys: number } {
  if (typeof value !== "object" || value === null) return { depth, keys: 0 };
  const children = Array.isArray(value) ? value : Object.values(value);
  let deepest = depth + 1;
  let keys = Array.isArray(value) ? 0 : children.length;
  for (const child of children) {
    const inner = measure(child, depth + 1);
    deepest = Math.max(deepest, inner.depth);
    keys += inner.keys;
  }
  return { depth: deepest, keys };
}

// Strings full of what could fool a scan: quotes, backslashes, brackets, colons, digits, unicode.
const trickyString = fc.string({
  unit: fc.oneof(
    fc.constantFrom('"', "\\", "{", "}", "[", "]", ":", ",", "-", "0", "9", "e", "é", "😀", "\u2028"),
    fc.string({ minLength: 1, maxLength: 1 }),
  ),
  maxLength: 12,
});
const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small" },
    trickyString,
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("node"), { maxLength: 4 }),
    fc.dictionary(trickyString, tie("node"), { maxKeys: 4 }),
  ),
})).node;

describe("input limits: the shape scan", () => {
  it("counts depth and keys exactly as a walk of the parsed value does, whatever the strings hold", () => {
    fc.assert(
      fc.property(
        value,
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 12 }),
        (input, maxDepth, maxKeys) => {
          const text = JSON.stringify(input);
          const { depth, keys } = measure(input);
          const limits: InputLimits = { maxBytes: 1 << 20, maxDepth, maxKeys };
          const scan = checkShape(text, limits);
          // The scan stops at the first limit it passes, in text order; either verdict is right when both are broken.
          if (depth <= maxDepth && keys <= maxKeys) expect(scan.code).toBe("ok");
          else if (depth > maxDepth && keys <= maxKeys) expect(scan.code).toBe("too_deep");
          else if (keys > maxKeys && depth <= maxDepth) expect(scan.code).toBe("too_many_keys");
          else expect(scan.code).not.toBe("ok");
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("never calls a number literal exact when a double would print it differently", () => {
    const literal = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
      fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
      fc
        .tuple(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.stringMatching(/^[0-9]{1,22}$/), fc.boolean())
        .map(([whole, fraction, negative]) => `${negative ? "-" : ""}${whole}.${fraction}`),
      fc.constantFrom("1e3", "1E-7", "0.0000001", "-0", "-0.0", "1.0", "1e400", "123456789012345678901234567890"),
    );
    fc.assert(
      fc.property(fc.array(literal, { minLength: 1, maxLength: 5 }), (literals) => {
        const text = `{"type":"group","traits":{${literals.map((item, index) => `"n${index}":${item}`).join(",")}}}`;
        const scan = checkShape(text, { maxBytes: 1 << 20, maxDepth: 32, maxKeys: 10_000 });
        const survive = literals.every((item) => JSON.stringify(JSON.parse(item)) === item);
        if (scan.code === "ok" && !scan.inexactNumbers) expect(survive).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("skips a string's escaped quotes and backslashes, and leaves an unterminated string to JSON.parse", () => {
    const limits: InputLimits = { maxBytes: 1 << 20, maxDepth: 1, maxKeys: 1 };
    expect(checkShape(String.raw`{"a":"\"{[{:"}`, limits).code).toBe("ok");
    expect(checkShape(String.raw`{"a\\":"x\\\\"}`, limits).code).toBe("ok");
    expect(checkShape(String.raw`{"a\\":{"b":1}}`, limits).code).toBe("too_deep");
    expect(checkShape(String.raw`{"a":"\\","b":1}`, limits).code).toBe("too_many_keys");
    expect(checkShape('{"a":"never closed {{{{', limits).code).toBe("ok");
  });
});

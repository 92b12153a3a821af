import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { RecentJsonTexts } from "../../../src/avro/recent-json-texts.js";
import { parseJsonExact } from "../../../src/events/exact-number.js";
import { jsonText, key } from "../../support/arbitraries.js";

// The compiled record writer takes `json` fields' texts from RecentJsonTexts: whatever it keeps
// or composes, each text must be exactly JSON.stringify's.

/** A parsed JSON value as the pipeline holds it: hostile keys as own properties, exact numbers as raw JSON. */
const jsonValue = jsonText.map((text) => parseJsonExact(text));

afterEach(() => {
  vi.restoreAllMocks();
});

describe("recent JSON texts", () => {
  it("gives JSON.stringify's text for any JSON value, and again for the same values in any order", () => {
    fc.assert(
      fc.property(
        fc.array(jsonValue, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (values, order) => {
          const texts = new RecentJsonTexts();
          for (const value of values) expect(texts.textOf(value)).toBe(JSON.stringify(value));
          for (const index of order) {
            const value = values[index % values.length];
            expect(texts.textOf(value)).toBe(JSON.stringify(value));
          }
        },
      ),
    );
  });

  it("writes an object of one key around its member, as JSON.stringify does, for any key and member", () => {
    fc.assert(
      fc.property(key, jsonValue, (name, member) => {
        const texts = new RecentJsonTexts();
        const wrapper = JSON.parse(`{${JSON.stringify(name)}:null}`) as Record<string, unknown>;
        wrapper[name] = member; // an own property even for __proto__: JSON.parse defined it
        expect(texts.textOf(wrapper)).toBe(JSON.stringify(wrapper));
        expect(texts.textOf(member)).toBe(JSON.stringify(member));
      }),
    );
  });

  it("serialises an object shared by two records once: the warehouse's traits_json after Amplitude's $set", () => {
    const texts = new RecentJsonTexts();
    const traits = parseJsonExact('{"name":"Acme","plan":"growth","employees":120,"tags":["a","b"]}');
    const stringify = vi.spyOn(JSON, "stringify");
    const amplitude = texts.textOf({ $set: traits });
    const customerio = texts.textOf({ name: "Acme", created_at: 1 });
    const warehouse = texts.textOf(traits);
    expect(amplitude).toBe('{"$set":{"name":"Acme","plan":"growth","employees":120,"tags":["a","b"]}}');
    expect(customerio).toBe('{"name":"Acme","created_at":1}');
    expect(warehouse).toBe('{"name":"Acme","plan":"growth","employees":120,"tags":["a","b"]}');
    expect(stringify.mock.calls.filter(([value]) => value === traits)).toHaveLength(1);
  });

  it("keeps arrays of one object, members that are no object, and exact numbers as JSON.stringify writes them", () => {
    const texts = new RecentJsonTexts();
    const inner = { a: 1 };
    const cases: unknown[] = [
      [inner],
      { only: undefined },
      { only: () => 1 },
      { only: "text" },
      { only: null },
      { only: [inner] },
      parseJsonExact('{"big":12345678901234567891}'),
      { only: parseJsonExact("1.0") },
      parseJsonExact('{"__proto__":{"x":1}}'),
    ];
    for (const value of cases) expect(texts.textOf(value)).toBe(JSON.stringify(value));
    expect(texts.textOf(undefined)).toBeUndefined();
  });

  it("forgets the oldest object after sixteen others, and serialises it again", () => {
    const texts = new RecentJsonTexts();
    const first = { first: true, n: 0 };
    texts.textOf(first);
    for (let i = 0; i < 16; i++) texts.textOf({ other: i });
    const stringify = vi.spyOn(JSON, "stringify");
    expect(texts.textOf(first)).toBe('{"first":true,"n":0}');
    expect(stringify.mock.calls.filter(([value]) => value === first)).toHaveLength(1);
  });
});

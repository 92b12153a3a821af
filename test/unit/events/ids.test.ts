import { describe, expect, it } from "vitest";
import { isEmailLike, normaliseId } from "../../../src/events/ids.js";

describe("IDs: strings or finite numbers", () => {
  it("keeps strings exactly as sent, never trimmed or repaired", () => {
    expect(normaliseId("0e8c78ea9d97a7b8185e8632,")).toEqual({ ok: true, id: "0e8c78ea9d97a7b8185e8632," });
    expect(normaliseId(" padded ")).toEqual({ ok: true, id: " padded " });
  });

  it("turns whole numbers into decimal strings", () => {
    expect(normaliseId(42)).toEqual({ ok: true, id: "42" });
    expect(normaliseId(-7)).toEqual({ ok: true, id: "-7" });
    expect(normaliseId(1e21)).toEqual({ ok: true, id: "1000000000000000000000" });
    expect(normaliseId(-0)).toEqual({ ok: true, id: "0" });
  });

  it("refuses a number id that is not a whole number (1.5, 1e-7) as invalid, never '1e-7'", () => {
    expect(normaliseId(1.5)).toMatchObject({ ok: false, reason: "1.5 is not a whole number" });
    expect(normaliseId(JSON.rawJSON("1e-7"))).toMatchObject({ ok: false, reason: "1e-7 is not a whole number" });
  });

  it("keeps the exact digits of a number id a double would change", () => {
    expect(normaliseId(JSON.rawJSON("12345678901234567891"))).toEqual({ ok: true, id: "12345678901234567891" });
    expect(normaliseId(JSON.rawJSON("9007199254740993"))).toEqual({ ok: true, id: "9007199254740993" });
    expect(normaliseId(JSON.rawJSON("-9007199254740993"))).toEqual({ ok: true, id: "-9007199254740993" });
    expect(normaliseId(JSON.rawJSON("1.0"))).toEqual({ ok: true, id: "1" });
    expect(normaliseId(JSON.rawJSON("1.5e3"))).toEqual({ ok: true, id: "1500" });
    expect(normaliseId(JSON.rawJSON("1e400"))).toEqual({ ok: true, id: `1${"0".repeat(400)}` });
    expect(normaliseId(JSON.rawJSON("1e1000000"))).toMatchObject({ ok: false });
  });

  it("refuses a string id with a lone UTF-16 surrogate, which UTF-8 cannot carry", () => {
    expect(normaliseId("a\ud800")).toMatchObject({ ok: false });
    expect(normaliseId("\udc00b")).toMatchObject({ ok: false });
    expect(normaliseId("😀")).toEqual({ ok: true, id: "😀" });
  });

  it("counts empty and whitespace-only strings, null and absence as absent", () => {
    for (const value of ["", "   ", "\t\n", null, undefined])
      expect(normaliseId(value)).toEqual({ ok: true, id: undefined });
  });

  it("refuses booleans, objects and arrays", () => {
    expect(normaliseId(true)).toMatchObject({ ok: false });
    expect(normaliseId({ id: 1 })).toMatchObject({ ok: false, reason: "is an object" });
    expect(normaliseId([1])).toMatchObject({ ok: false, reason: "is an array" });
  });
});

describe("IDs: email-like user ids", () => {
  it("recognises an address and nothing else", () => {
    expect(isEmailLike("wile@acme.com")).toBe(true);
    expect(isEmailLike("wileecoyote")).toBe(false);
    expect(isEmailLike("a@b")).toBe(false);
    expect(isEmailLike("two@@acme.com")).toBe(false);
  });
});

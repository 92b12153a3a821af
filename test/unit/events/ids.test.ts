import { describe, expect, it } from "vitest";
import { isEmailLike, normaliseId } from "../../../src/events/ids.js";

describe("IDs: strings or finite numbers", () => {
  it("keeps strings exactly as sent, never trimmed or repaired", () => {
    expect(normaliseId("0e8c78ea9d97a7b8185e8632,")).toEqual({ ok: true, id: "0e8c78ea9d97a7b8185e8632," });
    expect(normaliseId(" padded ")).toEqual({ ok: true, id: " padded " });
  });

  it("turns numbers into decimal strings", () => {
    expect(normaliseId(42)).toEqual({ ok: true, id: "42" });
    expect(normaliseId(-7)).toEqual({ ok: true, id: "-7" });
    expect(normaliseId(1.5)).toEqual({ ok: true, id: "1.5" });
    expect(normaliseId(1e21)).toEqual({ ok: true, id: "1000000000000000000000" });
    expect(normaliseId(-0)).toEqual({ ok: true, id: "0" });
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

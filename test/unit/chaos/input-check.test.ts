import { describe, expect, it } from "vitest";
import { presentInputs, valueDigest } from "../../../src/chaos/input-check.js";

const input = (text: string) => ({ bytes: Buffer.from(text) });

describe("the campaign's check of its own input", () => {
  it("an input the raw topic does not hold is lost by the brokers, not expected of the workers", () => {
    const inputs = [input("a"), input("b"), input("c")];
    const digests = new Map([
      [valueDigest(Buffer.from("a")), 1],
      [valueDigest(Buffer.from("c")), 1],
    ]);
    const { present, lost } = presentInputs(inputs, digests);
    expect(present.map((i) => i.bytes.toString())).toEqual(["a", "c"]);
    expect(lost.map((i) => i.bytes.toString())).toEqual(["b"]);
  });

  it("counts: an input sent twice must be there twice", () => {
    const { present, lost } = presentInputs([input("a"), input("a")], new Map([[valueDigest(Buffer.from("a")), 1]]));
    expect(present).toHaveLength(1);
    expect(lost).toHaveLength(1);
  });

  it("a raw topic holding everything loses nothing", () => {
    const inputs = [input("x"), input("y")];
    const digests = new Map(inputs.map((i) => [valueDigest(i.bytes), 1] as const));
    expect(presentInputs(inputs, digests).lost).toEqual([]);
  });
});

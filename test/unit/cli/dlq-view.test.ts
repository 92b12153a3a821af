import { describe, expect, it } from "vitest";
import { showBytes } from "../../../src/cli/dlq-view.js";

describe("dlq list shows raw bytes safely", () => {
  it("UTF-8 text as a JSON string, with its size", () => {
    expect(showBytes(Buffer.from('{"type":"group"'))).toBe('"{\\"type\\":\\"group\\"" (15 bytes)');
  });

  it("control characters, escape sequences and bidi overrides are escaped, never written to the terminal", () => {
    const shown = showBytes(Buffer.from("a\u001b[31mred\u0085\u202eevil"));
    const raw = [...shown].filter(
      (c) => c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f) || c === "\u202e",
    );
    expect(raw).toEqual([]);
    expect(shown).toContain("\\u001b");
    expect(shown).toContain("\\u0085");
    expect(shown).toContain("\\u202e");
  });

  it("bytes that are not UTF-8 as base64", () => {
    expect(showBytes(Buffer.from([0xff, 0xfe, 0x00]))).toBe("base64://4A (3 bytes, not UTF-8)");
  });

  it("long values are cut, with their full size", () => {
    const shown = showBytes(Buffer.from("x".repeat(1_000)));
    expect(shown).toMatch(/^"x{200}"\.\.\. \(1000 bytes\)$/);
    expect(showBytes(Buffer.alloc(500, 0xff))).toMatch(/\.\.\. \(500 bytes, not UTF-8\)$/);
  });

  it("null stays null", () => {
    expect(showBytes(null)).toBe("null");
  });
});

import { describe, expect, it } from "vitest";
import { findJava, parseJavaMajor } from "../../../src/stack/java.js";

describe("Java versions", () => {
  it("reads the major version from `java -version` banners old and new", () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaMajor('openjdk version "25.0.3" 2026-04-21 LTS')).toBe(25);
    expect(parseJavaMajor('java version "1.8.0_402"')).toBe(8);
    expect(parseJavaMajor('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaMajor("command not found")).toBeUndefined();
  });

  it("finds an installed Java 17+ and none of an impossible version", () => {
    // The local stack's prerequisite: this machine has one.
    expect(findJava(process.env, 17)?.major).toBeGreaterThanOrEqual(17);
    expect(findJava({ PATH: process.env.PATH }, 999)).toBeUndefined();
  });
});

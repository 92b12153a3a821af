import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { settingsHelp, settingsTable, WORKER_SETTINGS } from "../../../src/ops/settings.js";
import { loadWorkerConfig, WORKER_VARIABLES } from "../../../src/ops/worker-config.js";

const README = new URL("../../../README.md", import.meta.url);

/** The README's settings table, between its markers. */
function readmeTable(text: string): string {
  const match = /<!-- settings:[^\n]*-->\n([\s\S]*?)\n<!-- settings end -->/.exec(text);
  if (!match?.[1]) throw new Error("README.md has no settings table between its markers");
  return match[1];
}

describe("worker settings: described once", () => {
  it("the README's table is the one the description renders (copy settingsTable()'s output into it)", () => {
    expect(readmeTable(readFileSync(README, "utf8"))).toBe(settingsTable());
  });

  it("the comparison fails on a README that differs", () => {
    const drifted = `<!-- settings: x -->\n${settingsTable().replace("`9464`", "`9465`")}\n<!-- settings end -->`;
    expect(readmeTable(drifted)).not.toBe(settingsTable());
  });

  it("run --help lists every variable with its default and range", () => {
    const help = settingsHelp();
    for (const name of Object.keys(WORKER_SETTINGS)) expect(help).toContain(name);
    expect(help).toMatch(/CDP_HTTP_PORT\s+default 9464; 0 to 65535/);
  });

  it("parsing takes its defaults from the description", () => {
    const config = loadWorkerConfig({ KAFKA_BROKERS: "k:9092", SCHEMA_REGISTRY_URL: "http://r" });
    expect(config.httpPort).toBe(WORKER_SETTINGS.CDP_HTTP_PORT.default);
    expect(config.sessionTimeoutMs).toBe(WORKER_SETTINGS.CDP_SESSION_TIMEOUT_MS.default);
    expect(config.delivery).toBe(WORKER_SETTINGS.CDP_DELIVERY.default);
    expect(config.transformThread).toBe(WORKER_SETTINGS.CDP_TRANSFORM_THREAD.default);
  });

  it("every variable the worker reads is described, and only those (CDP_CONFIG_FILE names the file itself)", () => {
    expect([...WORKER_VARIABLES, "CDP_CONFIG_FILE"].sort()).toEqual(Object.keys(WORKER_SETTINGS).sort());
  });

  it("the result is frozen all the way down", () => {
    const config = loadWorkerConfig({ KAFKA_BROKERS: "k:9092", SCHEMA_REGISTRY_URL: "http://r" });
    expect(Object.isFrozen(config.kafka)).toBe(true);
    expect(Object.isFrozen(config.kafka.brokers)).toBe(true);
    expect(Object.isFrozen(config.registry)).toBe(true);
  });
});

describe("cdp-router schemas reads the registry settings as the worker does", () => {
  it("from the environment or CDP_CONFIG_FILE, with --registry first and the local stack last", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const { loadRegistryConfig } = await import("../../../src/ops/worker-config.js");
    const file = join(mkdtempSync(join(tmpdir(), "cdp-config-")), "config.json");
    writeFileSync(file, JSON.stringify({ SCHEMA_REGISTRY_URL: "http://file:8081", SCHEMA_REGISTRY_USERNAME: "u" }));
    expect(loadRegistryConfig({ CDP_CONFIG_FILE: file }, undefined, "http://local")).toEqual({
      url: "http://file:8081",
      username: "u",
      password: "",
    });
    expect(loadRegistryConfig({ SCHEMA_REGISTRY_URL: "http://env" }, "http://option", "http://local").url).toBe(
      "http://option",
    );
    expect(loadRegistryConfig({}, undefined, "http://local").url).toBe("http://local");
    expect(() => loadRegistryConfig({ SCHEMA_REGISTRY_URL: "registry" }, undefined, "http://local")).toThrow(
      /SCHEMA_REGISTRY_URL=registry: must be an http\(s\) URL/,
    );
  });
});

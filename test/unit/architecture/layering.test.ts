import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The layers of src/, bottom first: a folder imports only from itself and from the folders
 * before it. This list is the one place the order is written down (README's layout section
 * describes it).
 */
const LAYERS = [
  "events", // the event model and JSON: types, exact numbers, dates, ids, keys, limits
  "core", // what every stage shares: outcome and error codes, the Destination interface, settings helpers, fixed topics
  "destinations", // one module per destination: its topics, settings and mapping
  "avro", // schemas, the registry client and the Confluent-framed encoder
  "pipeline", // the pure stages and their composition
  "replay", // the pure part of a replay: its range, fixed per partition
  "ops", // configuration, logging, metrics, health
  "kafka", // the worker: the only shell that talks to Kafka
  "stack", // the local Kafka and registry for development and tests
  "bench",
  "fuzz",
  "chaos",
  "cli",
] as const;

const SRC = resolve(import.meta.dirname, "../../../src");
const IMPORT = /(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The src/ folder a path is in ("" for a file directly in src/, or a path outside it). */
function folderOf(path: string): string {
  const inside = relative(SRC, path);
  if (inside.startsWith("..")) return "";
  const parts = inside.split(sep);
  return parts.length > 1 ? (parts[0] ?? "") : "";
}

/** Every import of one folder by another that the layer order forbids, as `file -> import`. */
function layeringViolations(files: readonly string[], read: (path: string) => string): string[] {
  const rank = new Map<string, number>(LAYERS.map((layer, index) => [layer, index]));
  const violations: string[] = [];
  for (const file of files) {
    const from = folderOf(file);
    const fromRank = rank.get(from);
    for (const match of read(file).matchAll(IMPORT)) {
      const specifier = match[1] ?? "";
      const to = folderOf(resolve(file, "..", specifier));
      if (to === from) continue;
      const toRank = rank.get(to);
      if (fromRank === undefined || toRank === undefined || toRank > fromRank)
        violations.push(`${relative(SRC, file)} -> ${specifier}`);
    }
  }
  return violations;
}

describe("architecture: layering", () => {
  const files = sourceFiles(SRC);

  it("every folder of src/ has a place in the layer order", () => {
    const folders = new Set(files.map(folderOf));
    expect([...folders].filter((folder) => !(LAYERS as readonly string[]).includes(folder)).sort()).toEqual([]);
  });

  it("no folder imports from a folder above it", () => {
    expect(layeringViolations(files, (path) => readFileSync(path, "utf8"))).toEqual([]);
  });

  it("finds an upward import (the check can fail)", () => {
    const events = join(SRC, "events", "json.ts");
    const pipeline = join(SRC, "pipeline", "pipeline.ts");
    const sources: Record<string, string> = {
      [events]: 'import type { PipelineConfig } from "../pipeline/config.js";',
      [pipeline]: 'import { isJsonObject } from "../events/json.js";\nimport { x } from "./dedupe.js";',
    };
    expect(layeringViolations([events, pipeline], (path) => sources[path] ?? "")).toEqual([
      "events/json.ts -> ../pipeline/config.js",
    ]);
  });
});

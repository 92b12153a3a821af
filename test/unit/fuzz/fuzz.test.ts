import { describe, expect, it } from "vitest";
import { DESTINATIONS } from "../../../src/destinations/index.js";
import { runFuzz } from "../../../src/fuzz/fuzz-run.js";
import { HOSTILE_KINDS, hostileInput } from "../../../src/fuzz/hostile-inputs.js";
import { parsePipelineConfig } from "../../../src/pipeline/config.js";
import { createPipeline, type Pipeline } from "../../../src/pipeline/pipeline.js";

// The CI slice of `npm run fuzz`: the same generator and checks, fewer inputs.

describe("fuzzing: hostile inputs through every stage and the Avro encoder", () => {
  it("every hostile input is routed, skipped or dead-lettered; no exception escapes; every routed record encodes", () => {
    const report = runFuzz({ count: 20_000, seed: 20261126 });
    expect(report.failures).toEqual([]);
    expect(report.outcomes.routed + report.outcomes.skipped + report.outcomes.dead_letter).toBe(20_000);
    for (const kind of HOSTILE_KINDS) expect(report.byKind[kind], kind).toBeGreaterThan(0);
    expect(report.outcomes.routed).toBeGreaterThan(0);
  }, 120_000);

  it("the same seed and index give the same input", () => {
    expect(hostileInput(7, 123).bytes.equals(hostileInput(7, 123).bytes)).toBe(true);
  });

  it("a stage that throws is reported as a failure, not counted as a dead letter", () => {
    const real = createPipeline(parsePipelineConfig({}, DESTINATIONS), DESTINATIONS);
    const throwing: Pipeline = {
      ...real,
      process: () => {
        throw new Error("boom");
      },
    };
    const report = runFuzz({ count: 20, seed: 1, pipeline: throwing });
    expect(report.failureCount).toBe(20);
    expect(report.failures[0]?.problem).toMatch(/internal_error/);
  });
});

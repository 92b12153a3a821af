import { createReadStream, readFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { DESTINATIONS } from "../destinations/index.js";
import { parseDate } from "../events/dates.js";
import { parsePipelineConfig } from "../pipeline/config.js";
import { createPipeline } from "../pipeline/pipeline.js";
import { OutcomeSummary } from "../pipeline/summary.js";
import { byteLines, isBlank } from "./ndjson.js";
import { outcomeLines } from "./transform-view.js";

function parseRecordTime(value: string): number {
  const millis = parseDate(/^\d+$/.test(value) ? Number(value) : value);
  if (millis === undefined)
    throw new InvalidArgumentError("give an ISO-8601 date-time with a zone, or epoch seconds/milliseconds");
  return millis;
}

function loadConfig(file: string | undefined): unknown {
  if (file === undefined) return {};
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`--config ${file}: ${(error as Error).message}`);
  }
}

interface TransformOptions {
  config?: string;
  recordTime?: number;
  topic?: string;
}

/** Writes with backpressure: a large input never piles its output up in memory. */
function write(text: string): Promise<void> | undefined {
  if (process.stdout.write(text)) return undefined;
  return new Promise((resolve) => process.stdout.once("drain", () => resolve()));
}

export function transformCommand(): Command {
  return new Command("transform")
    .description("run raw events (NDJSON, one per line) through the pipeline and print each outcome as NDJSON")
    .argument("[file]", "NDJSON file of raw events; - or nothing reads standard input", "-")
    .option("--config <file>", "pipeline configuration (JSON): objectTypes, limits, dedupe, destinations")
    .option(
      "--record-time <time>",
      "the Kafka record timestamp to assume (ISO-8601 or epoch); default: now",
      parseRecordTime,
    )
    .option("--topic <name>", "the input topic to name in each record's provenance", "cdp.raw.group")
    .action(async (file: string, options: TransformOptions) => {
      const config = parsePipelineConfig(loadConfig(options.config), DESTINATIONS);
      const pipeline = createPipeline(config, DESTINATIONS);
      const summary = new OutcomeSummary();
      const timestamp = options.recordTime ?? Date.now();
      const input = file === "-" ? process.stdin : createReadStream(file);
      let lineNumber = 0;
      let blank = 0;
      for await (const bytes of byteLines(input)) {
        lineNumber += 1;
        if (isBlank(bytes)) {
          blank += 1;
          continue;
        }
        const result = pipeline.process({
          bytes,
          timestamp,
          provenance: { topic: options.topic ?? "cdp.raw.group", partition: 0, offset: String(lineNumber - 1) },
        });
        summary.add(result);
        const text = outcomeLines(lineNumber, result)
          .map((line) => `${JSON.stringify(line)}\n`)
          .join("");
        await write(text);
      }
      for (const line of summary.describe()) process.stderr.write(`transform: ${line}\n`);
      if (blank > 0) process.stderr.write(`transform: ${blank} blank line(s) ignored\n`);
    });
}

import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { DESTINATION_IDS, DESTINATIONS } from "../destinations/index.js";
import { parsePipelineConfig } from "../pipeline/config.js";
import { parseRawEvent } from "../pipeline/parse.js";
import { createPipeline } from "../pipeline/pipeline.js";
import { OutcomeSummary } from "../pipeline/summary.js";
import { type GeneratedEvent, generateEvents } from "./event-generator.js";
import { median } from "./median.js";

// `npm run bench:pipeline [-- EVENTS [ROUNDS]]`: parse + pipeline for every destination on one
// core (the main thread), over pre-generated events so that generation is not measured.

const count = Number(process.argv[2] ?? 200_000);
const rounds = Number(process.argv[3] ?? 5);

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function runOnce(events: readonly GeneratedEvent[]): { seconds: number; summary: OutcomeSummary } {
  // A fresh pipeline per round: its dedupe window starts empty, as a worker's does.
  const pipeline = createPipeline(parsePipelineConfig({}, DESTINATIONS), DESTINATIONS);
  const summary = new OutcomeSummary();
  const provenance = { topic: "cdp.raw.group", partition: 0, offset: "0" };
  const started = performance.now();
  for (const event of events)
    summary.add(pipeline.process({ bytes: event.bytes, timestamp: 1_767_225_600_000, provenance }));
  return { seconds: (performance.now() - started) / 1000, summary };
}

/**
 * The first stage alone (UTF-8 decoding, the shape scan, JSON.parse) over the group calls: no
 * pipeline can be faster than this on the same events, so it puts the target in proportion.
 */
function parseOnly(events: readonly GeneratedEvent[]): number {
  const limits = parsePipelineConfig({}, DESTINATIONS).limits;
  let objects = 0;
  const started = performance.now();
  for (const event of events) if (parseRawEvent(event.bytes, limits).ok) objects++;
  const seconds = (performance.now() - started) / 1000;
  if (objects === 0) throw new Error("no event parsed");
  return events.length / seconds;
}

// A forced collection before each memory reading, so that heap figures show what is retained
// rather than what the collector has not got round to yet.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

const events = generateEvents(count);
const groups = events.filter((event) => event.kind === "group");
const bytes = events.reduce((sum, event) => sum + event.bytes.length, 0);
collectGarbage();
const baseline = process.memoryUsage();

console.log(`cdp-router pipeline benchmark: Node ${process.version}, destinations ${DESTINATION_IDS.join(",")}`);
console.log(
  `input: ${events.length} events (${groups.length} group calls), mean ${Math.round(bytes / events.length)} bytes`,
);

runOnce(events); // warm-up: lets the JIT settle before anything is timed
const mixed: number[] = [];
const groupOnly: number[] = [];
const parsed: number[] = [];
let peakRss = 0;
let last: OutcomeSummary | undefined;
for (let round = 0; round < rounds; round++) {
  const all = runOnce(events);
  mixed.push(events.length / all.seconds);
  groupOnly.push(groups.length / runOnce(groups).seconds);
  parsed.push(parseOnly(groups));
  last = all.summary;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}

// What one pipeline keeps after a full round (its dedupe window of 100,000 ids, the key cache),
// measured on a pipeline that is still alive.
const kept = createPipeline(parsePipelineConfig({}, DESTINATIONS), DESTINATIONS);
const provenance = { topic: "cdp.raw.group", partition: 0, offset: "0" };
for (const event of events) kept.process({ bytes: event.bytes, timestamp: 0, provenance });
collectGarbage();
const after = process.memoryUsage();
console.log(`rounds: ${rounds} (after 1 warm-up); medians:`);
console.log(`  mixed events:      ${Math.round(median(mixed)).toLocaleString("en")} events/s`);
console.log(`  group calls only:  ${Math.round(median(groupOnly)).toLocaleString("en")} events/s (target 100,000)`);
console.log(
  `  parsing them only: ${Math.round(median(parsed)).toLocaleString("en")} events/s (decode, shape scan, JSON.parse: the ceiling of any pipeline on these events)`,
);
console.log(
  `memory: peak RSS ${megabytes(peakRss)}; heap after GC ${megabytes(baseline.heapUsed)} holding the input, ` +
    `${megabytes(after.heapUsed)} with a live pipeline that has seen it all (retained by it: ${megabytes(after.heapUsed - baseline.heapUsed)})`,
);
// Keeps the measured pipeline reachable until after the reading.
if (kept.process({ bytes: Buffer.from("{}"), timestamp: 0, provenance }).outcome !== "dead_letter")
  process.exitCode = 1;
if (last) for (const line of last.describe()) console.log(`last round: ${line}`);
console.log(
  JSON.stringify({
    events: events.length,
    groupEvents: groups.length,
    mixedEventsPerSecond: Math.round(median(mixed)),
    groupEventsPerSecond: Math.round(median(groupOnly)),
    parseOnlyEventsPerSecond: Math.round(median(parsed)),
    peakRssBytes: peakRss,
    inputHeapBytes: baseline.heapUsed,
    pipelineRetainedHeapBytes: after.heapUsed - baseline.heapUsed,
  }),
);

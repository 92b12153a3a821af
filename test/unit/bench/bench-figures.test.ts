import { describe, expect, it } from "vitest";
import { generateEvents } from "../../../src/bench/event-generator.js";
import { parseProducerPerformance } from "../../../src/bench/java-producer.js";
import { eventIndexOf, percentile } from "../../../src/bench/latency.js";
import { transformMicrosFromOutput } from "../../../src/bench/machine-speed.js";

describe("bench:worker figures", () => {
  it("reads ProducerPerformance's final summary, not its progress lines", () => {
    const output = [
      "812345 records sent, 162469.0 records/sec (54.33 MB/sec), 150.2 ms avg latency, 410.0 ms max latency.",
      "766000 records sent, 161234.5 records/sec (53.92 MB/sec), 142.10 ms avg latency, 431.00 ms max latency, 120 ms 50th, 300 ms 95th, 400 ms 99th, 425 ms 99.9th.",
      "",
    ].join("\n");
    const parsed = parseProducerPerformance(output);
    expect(parsed.recordsPerSecond).toBe(161234.5);
    expect(parsed.megabytesPerSecond).toBe(53.92);
    expect(parsed.summary).toContain("99.9th");
  });

  it("fails loudly when ProducerPerformance printed no summary", () => {
    expect(() => parseProducerPerformance("Exception in thread main")).toThrow(/no summary line/);
  });

  it("reads the machine's speed from bench:transform's summary line (as printed on 2026-11-30)", () => {
    const output = [
      "cdp-router transform benchmark: Node v24.21.0, 30000 events in chunks of 500",
      "rounds: 3 (after 1 warm-up): 122.9, 116.8, 137.9 µs/event",
      "median: 122.9 CPU µs per event = 8,139 events/s on one core; 230717 records (7.69 per event), 522 bytes per record packed",
      '{"events":30000,"cpuMicrosPerEvent":122.87,"rounds":[122.87123333333334,116.80783333333333,137.86953333333332]}',
      "",
    ].join("\n");
    expect(transformMicrosFromOutput(output)).toBe(122.87);
  });

  it("fails loudly when bench:transform gave no speed, rather than printing NaN beside a run", () => {
    expect(() => transformMicrosFromOutput("Error: Cannot find module")).toThrow(/printed no JSON line/);
    expect(() => transformMicrosFromOutput('{"events":0,"cpuMicrosPerEvent":null}')).toThrow(
      /no number under "cpuMicrosPerEvent"/,
    );
    expect(() => transformMicrosFromOutput('{"events":10,"cpuMicrosPerEvent":0}')).toThrow(/no positive/);
  });

  it("takes the nearest-rank percentile of sorted latencies", () => {
    const sorted = Array.from({ length: 200 }, (_, i) => i + 1);
    expect(percentile(sorted, 0.5)).toBe(100);
    expect(percentile(sorted, 0.99)).toBe(198);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
  });

  it("finds a generated event's index from its messageId, as the latency reader does", () => {
    const events = generateEvents(50, 7);
    // Some generated events are malformed on purpose: their index is simply not looked up.
    const ids = events.map((event) => /"messageId":"(msg-[^"]+)"/.exec(event.bytes.toString())?.[1]);
    const found = ids.flatMap((id, index) => (id === undefined ? [] : [[eventIndexOf(id), index]]));
    expect(found.length).toBeGreaterThan(40);
    for (const [fromId, index] of found) expect(fromId).toBe(index);
    expect(eventIndexOf(null)).toBeUndefined();
    expect(eventIndexOf("msg-7-x")).toBeUndefined();
  });
});

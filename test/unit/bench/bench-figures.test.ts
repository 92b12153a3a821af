import { describe, expect, it } from "vitest";
import { generateEvents } from "../../../src/bench/event-generator.js";
import { parseProducerPerformance } from "../../../src/bench/java-producer.js";
import { eventIndexOf, percentile } from "../../../src/bench/latency.js";

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

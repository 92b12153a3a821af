import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunkMessages } from "../../../src/kafka/chunks.js";

// A fetched batch is cut into chunks bounded by count and by raw bytes, in order, losing nothing.

const message = (size: number) => ({ value: size < 0 ? null : Buffer.alloc(size) });

describe("chunks", () => {
  it("cuts by count", () => {
    const chunks = chunkMessages([1, 1, 1, 1, 1].map(message), 2, 1_000);
    expect(chunks.map((c) => c.length)).toEqual([2, 2, 1]);
  });

  it("cuts by raw bytes, and a record larger than the limit is a chunk of its own", () => {
    const chunks = chunkMessages([400, 400, 400, 2_000, 100, -1].map(message), 100, 1_000);
    expect(chunks.map((c) => c.map((m) => m.value?.length ?? null))).toEqual([[400, 400], [400], [2_000], [100, null]]);
  });

  it("keeps every record once, in order, within both bounds", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1, max: 3_000 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 4_000 }),
        (sizes, maxCount, maxBytes) => {
          const messages = sizes.map(message);
          const chunks = chunkMessages(messages, maxCount, maxBytes);
          expect(chunks.flat()).toEqual(messages);
          for (const chunk of chunks) {
            expect(chunk.length).toBeGreaterThan(0);
            expect(chunk.length).toBeLessThanOrEqual(maxCount);
            const bytes = chunk.reduce((sum, m) => sum + (m.value?.length ?? 0), 0);
            if (chunk.length > 1) expect(bytes).toBeLessThanOrEqual(maxBytes);
          }
        },
      ),
    );
  });
});

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { stockModule } from "../../../src/bench/kafkajs-stock.js";

// kafkajs's answer to an OFFSET_OUT_OF_RANGE fetch error, patched at install
// (patches/kafkajs-2.2.4/src/consumer/consumerGroup.js, docs/kafkajs-patch.md). Stock kafkajs
// committed the default offset (-2, "earliest") for the group there; in fault campaign run 209 a
// broker answered so while leadership moved, the group's offset for a partition went from 17,583
// to -2, and its next owner wrote the whole partition again (124,241 duplicates under
// exactly-once). The real ConsumerGroup method is driven with a fake cluster and offset manager.

const require = createRequire(import.meta.url);
const kafkajsDir = dirname(require.resolve("kafkajs/package.json"));
const Long = require("kafkajs/src/utils/long.js") as { fromValue: (value: string) => unknown };

interface Recovery {
  recoverFromOffsetOutOfRange(error: { topic: string; partition: number }): Promise<void>;
}

function consumerGroup(
  implementation: unknown,
  position: string,
  logStart: string,
  latest: string,
  fromBeginning: boolean,
) {
  const ConsumerGroup = implementation as { prototype: Recovery };
  const commits: unknown[] = [];
  const resolved: Array<{ partition: number; offset: string }> = [];
  const quiet = () => undefined;
  const group = Object.assign(Object.create(ConsumerGroup.prototype) as Recovery, {
    groupId: "g",
    memberId: "m",
    preferredReadReplicasPerTopicPartition: {},
    topicConfigurations: { t: { fromBeginning } },
    logger: { info: quiet, warn: quiet, error: quiet, debug: quiet },
    cluster: {
      refreshMetadata: async () => undefined,
      fetchTopicsOffset: async ([request]: Array<{ fromBeginning: boolean }>) => [
        { topic: "t", partitions: [{ partition: 0, offset: request?.fromBeginning ? logStart : latest }] },
      ],
    },
    offsetManager: {
      nextOffset: () => Long.fromValue(position),
      resolveOffset: ({ partition, offset }: { partition: number; offset: string }) =>
        resolved.push({ partition, offset }),
      // Stock kafkajs's path: an OffsetCommit of the default offset.
      setDefaultOffset: async (topicPartition: unknown) => {
        commits.push(topicPartition);
      },
    },
  });
  return { group, commits, resolved };
}

const PATCHED_FILE = join(kafkajsDir, "src/consumer/consumerGroup.js");
const PATCHED = require(PATCHED_FILE) as unknown;

describe("kafkajs consumer: an out-of-range fetch never commits an offset", () => {
  it("is the patched file that is installed", () => {
    const patchDir = join(import.meta.dirname, "../../../patches/kafkajs-2.2.4");
    expect(readFileSync(PATCHED_FILE, "utf8")).toBe(
      readFileSync(join(patchDir, "src/consumer/consumerGroup.js"), "utf8"),
    );
  });

  it("keeps the fetch offset, and commits nothing, while it lies at or above the log start (a leader change)", async () => {
    const { group, commits, resolved } = consumerGroup(PATCHED, "17583", "0", "17600", true);
    await group.recoverFromOffsetOutOfRange({ topic: "t", partition: 0 });
    expect(commits).toEqual([]);
    expect(resolved).toEqual([]);
  });

  it("moves only the fetch position to the log start when the records below it were deleted (from the beginning)", async () => {
    const { group, commits, resolved } = consumerGroup(PATCHED, "10", "500", "900", true);
    await group.recoverFromOffsetOutOfRange({ topic: "t", partition: 0 });
    expect(commits).toEqual([]);
    expect(resolved).toEqual([{ partition: 0, offset: "499" }]);
  });

  it("moves only the fetch position to the end for a topic read from the latest offset", async () => {
    const { group, commits, resolved } = consumerGroup(PATCHED, "10", "500", "900", false);
    await group.recoverFromOffsetOutOfRange({ topic: "t", partition: 0 });
    expect(commits).toEqual([]);
    expect(resolved).toEqual([{ partition: 0, offset: "899" }]);
  });

  it("(stock kafkajs committed the default offset: the defect)", async () => {
    const { group, commits } = consumerGroup(stockModule("src/consumer/consumerGroup.js"), "17583", "0", "17600", true);
    await group.recoverFromOffsetOutOfRange({ topic: "t", partition: 0 });
    expect(commits).toEqual([{ topic: "t", partition: 0 }]);
  });
});

import { describe, expect, inject, it } from "vitest";
import { cli } from "../support/cli.js";
import { integrationHarness } from "../support/harness.js";
import { createTopic, uniqueTopic } from "../support/kafka.js";
import { collectOutputs, endOffsets, explainedBy, startWorker } from "../support/worker-process.js";

// `cdp-router topics --partitions N` on the real broker, and a running worker taking up the
// partitions it adds without a restart.

const { admin, producer, workers } = integrationHarness("partitions");
const MINUTE = 60_000;
const env = () => ({
  KAFKA_BROKERS: inject("kafkaBrokers").join(","),
  SCHEMA_REGISTRY_URL: inject("schemaRegistryUrl"),
});

async function partitionsOf(topic: string): Promise<number> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  return topics[0]?.partitions.length ?? 0;
}

describe("cdp-router topics --partitions", () => {
  it("raises topics below the count, says what it changed, and refuses to shrink (changing nothing)", async () => {
    const small = uniqueTopic("partitions-small");
    const large = uniqueTopic("partitions-large");
    await createTopic(admin, small, 1);
    await createTopic(admin, large, 4);

    const refused = await cli(["topics", "--partitions", "2", "--topics", `${small},${large}`], env());
    expect(refused.code, refused.output).toBe(2);
    expect(refused.output).toContain(`${large} has 4`);
    expect(await partitionsOf(small)).toBe(1);

    const raised = await cli(["topics", "--partitions", "4", "--topics", `${small},${large}`], env());
    expect(raised.code, raised.output).toBe(0);
    expect(raised.output).toContain(`raised  ${small} from 1 to 4 partitions`);
    expect(raised.output).toContain(`has     ${large} (4 partitions already)`);
    expect(await partitionsOf(small)).toBe(4);

    const unknown = await cli(["topics", "--partitions", "4", "--topics", uniqueTopic("nope")], env());
    expect(unknown.code, unknown.output).toBe(2);
    expect(unknown.output).toMatch(/unknown topic/);
  });

  it(
    "a running worker takes up the partitions added to its input without a restart",
    async () => {
      const topic = uniqueTopic("partitions-grow");
      const group = uniqueTopic("partitions-group");
      await createTopic(admin, topic, 1);
      const worker = startWorker({ CDP_INPUT_TOPICS: topic, CDP_GROUP_ID: group });
      workers.push(worker);
      await explainedBy(worker, worker.running);
      const since = await endOffsets(["cdp.dest.customerio"]);

      const raised = await cli(["topics", "--partitions", "3", "--topics", topic], env());
      expect(raised.code, raised.output).toBe(0);
      const raisedAt = Date.now();
      // One call in each new partition.
      const calls = [1, 2].map((partition) => ({
        partition,
        value: JSON.stringify({
          type: "group",
          userId: "u",
          groupId: `g-${partition}`,
          messageId: `${topic}-${partition}`,
          traits: {},
        }),
      }));
      await producer.send({ topic, acks: -1, messages: calls });
      const outputs = await explainedBy(
        worker,
        collectOutputs(
          ["cdp.dest.customerio"],
          (record) => record.value?.source_topic === topic,
          (found) => found.length >= 2,
          2 * MINUTE,
          false,
          since,
        ),
      );
      const seconds = (Date.now() - raisedAt) / 1000;
      console.log(
        `a running worker processed records of the added partitions ${seconds.toFixed(1)} s after they were added`,
      );
      expect(outputs.map((record) => record.value?.source_partition).sort()).toEqual([1, 2]);
      expect(worker.child.exitCode).toBeNull();
    },
    3 * MINUTE,
  );
});

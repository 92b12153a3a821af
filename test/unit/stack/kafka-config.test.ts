import { describe, expect, it } from "vitest";
import { loggingDependencies, newClusterId, serverProperties } from "../../../src/stack/kafka-config.js";

function parse(properties: string): Map<string, string> {
  return new Map(
    properties
      .trim()
      .split("\n")
      .map((line) => {
        const at = line.indexOf("=");
        return [line.slice(0, at), line.slice(at + 1)] as [string, string];
      }),
  );
}

describe("a single-node KRaft broker", () => {
  const config = parse(serverProperties({ nodeId: 1, brokerCount: 1, logDir: "/data/node-1" }));

  it("is broker and controller on 127.0.0.1:9092 and :9093 with a static quorum of one", () => {
    expect(config.get("process.roles")).toBe("broker,controller");
    expect(config.get("listeners")).toBe("PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093");
    expect(config.get("advertised.listeners")).toBe("PLAINTEXT://127.0.0.1:9092");
    expect(config.get("controller.quorum.voters")).toBe("1@127.0.0.1:9093");
    expect(config.get("log.dirs")).toBe("/data/node-1");
  });

  it("never auto-creates topics and replicates internal topics once", () => {
    expect(config.get("auto.create.topics.enable")).toBe("false");
    expect(config.get("offsets.topic.replication.factor")).toBe("1");
    expect(config.get("transaction.state.log.replication.factor")).toBe("1");
    expect(config.get("transaction.state.log.min.isr")).toBe("1");
    expect(config.get("group.initial.rebalance.delay.ms")).toBe("0");
  });

  it("bounds what it keeps by size as well as by age, so repeated benchmarks cannot fill the disk", () => {
    expect(config.get("log.retention.hours")).toBe("72");
    expect(config.get("log.retention.bytes")).toBe(String(512 * 1024 * 1024));
    expect(Number(config.get("log.segment.bytes"))).toBeLessThan(Number(config.get("log.retention.bytes")));
  });
});

describe("a three-broker cluster", () => {
  const nodes = [1, 2, 3].map((nodeId) => parse(serverProperties({ nodeId, brokerCount: 3, logDir: `/d/${nodeId}` })));

  it("gives each node its own id, ports and log dir", () => {
    expect(nodes.map((n) => n.get("node.id"))).toEqual(["1", "2", "3"]);
    expect(nodes.map((n) => n.get("advertised.listeners"))).toEqual([
      "PLAINTEXT://127.0.0.1:9092",
      "PLAINTEXT://127.0.0.1:9192",
      "PLAINTEXT://127.0.0.1:9292",
    ]);
    expect(new Set(nodes.map((n) => n.get("log.dirs"))).size).toBe(3);
  });

  it("shares one quorum of three voters and replicates everything three times, min ISR 2", () => {
    for (const node of nodes) {
      expect(node.get("controller.quorum.voters")).toBe("1@127.0.0.1:9093,2@127.0.0.1:9193,3@127.0.0.1:9293");
      expect(node.get("default.replication.factor")).toBe("3");
      expect(node.get("min.insync.replicas")).toBe("2");
      expect(node.get("offsets.topic.replication.factor")).toBe("3");
      expect(node.get("transaction.state.log.replication.factor")).toBe("3");
      expect(node.get("transaction.state.log.min.isr")).toBe("2");
    }
  });
});

describe("broker logging", () => {
  it("binds slf4j to reload4j on 3.x and to log4j2 on 4.x, or the broker logs nothing", () => {
    expect(loggingDependencies("3.9.2").map((d) => d.artifact)).toEqual(["slf4j-reload4j"]);
    expect(loggingDependencies("4.4.0").map((d) => d.artifact)).toEqual(["log4j-slf4j-impl"]);
  });
});

describe("cluster ids", () => {
  it("are 22 characters of URL-safe base64, as Kafka's Uuid prints 16 bytes", () => {
    const id = newClusterId((size) => Buffer.alloc(size, 0xff));
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(id).toBe("_____________________w");
  });

  it("never start with '-', which kafka-storage would take for an option", () => {
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x01)]; // 0xf8... encodes as "-_j4..."
    const id = newClusterId(() => draws.shift() ?? Buffer.alloc(16));
    expect(Buffer.alloc(16, 0xf8).toString("base64url").startsWith("-")).toBe(true);
    expect(id).toBe(Buffer.alloc(16, 0x01).toString("base64url"));
  });
});

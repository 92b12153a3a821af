import { describe, expect, it } from "vitest";
import { planKafkaStart } from "../../../src/stack/stack.js";

// `stack up` starts only what is not running: a broker that died comes back (failover tests,
// and users testing failover by hand, need it); another cluster holding the ports is refused.

describe("stack up: which Kafka brokers it starts", () => {
  it("starts nothing when every broker of the cluster runs", () => {
    expect(planKafkaStart([true, true, true], true)).toBe("running");
    expect(planKafkaStart([true], true)).toBe("running");
  });

  it("restarts only the brokers that died, when the rest of the same cluster runs", () => {
    expect(planKafkaStart([true, false, true], true)).toBe("start_missing");
    expect(planKafkaStart([false, false, true], true)).toBe("start_missing");
  });

  it("starts the whole cluster when none of it runs", () => {
    expect(planKafkaStart([false, false, false], false)).toBe("start_all");
  });

  it("refuses when a cluster of another version or size runs", () => {
    expect(planKafkaStart([false, false, false], true)).toBe("refuse");
  });
});

import { describe, expect, it } from "vitest";
import { resolveEndpoints } from "../../../src/stack/endpoints.js";

describe("where Kafka and the registry are", () => {
  it("defaults to the local stack: 127.0.0.1:9092 and Apicurio's ccompat API on 8081", () => {
    expect(resolveEndpoints({}, 1)).toEqual({
      brokers: ["127.0.0.1:9092"],
      registryUrl: "http://127.0.0.1:8081/apis/ccompat/v7",
      externalKafka: false,
      externalRegistry: false,
    });
  });

  it("lists all three local brokers in three-broker mode", () => {
    expect(resolveEndpoints({}, 3).brokers).toEqual(["127.0.0.1:9092", "127.0.0.1:9192", "127.0.0.1:9292"]);
  });

  it("uses KAFKA_BROKERS and SCHEMA_REGISTRY_URL when set, and marks them external", () => {
    const endpoints = resolveEndpoints(
      { KAFKA_BROKERS: " kafka-a:9092, kafka-b:9092 ", SCHEMA_REGISTRY_URL: "https://registry.example/" },
      1,
    );
    expect(endpoints).toEqual({
      brokers: ["kafka-a:9092", "kafka-b:9092"],
      registryUrl: "https://registry.example",
      externalKafka: true,
      externalRegistry: true,
    });
  });

  it("refuses a broker that is not host:port and a registry that is not an http(s) URL", () => {
    expect(() => resolveEndpoints({ KAFKA_BROKERS: "kafka-a" }, 1)).toThrow(/not host:port/);
    expect(() => resolveEndpoints({ KAFKA_BROKERS: " , " }, 1)).toThrow(/names no broker/);
    expect(() => resolveEndpoints({ SCHEMA_REGISTRY_URL: "registry:8081" }, 1)).toThrow(/http or https/);
    expect(() => resolveEndpoints({ SCHEMA_REGISTRY_URL: "not a url" }, 1)).toThrow(/not a URL/);
  });
});

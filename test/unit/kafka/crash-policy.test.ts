import { describe, expect, it } from "vitest";
import { isSurvivableCrash, RestartBudget } from "../../../src/kafka/crash-policy.js";

// A fault the cluster survives must not take a worker down; one that keeps coming back still does.

const kafkajsError = (name: string, retriable: boolean, cause?: Error) =>
  Object.assign(new Error(name), { name, retriable, ...(cause ? { cause } : {}) });

describe("worker: which consumer crashes it survives in-process", () => {
  it("survives retriable kafkajs errors (metadata not loaded, coordinator moving), directly or as a cause", () => {
    expect(isSurvivableCrash(kafkajsError("KafkaJSTopicMetadataNotLoaded", true))).toBe(true);
    expect(isSurvivableCrash(kafkajsError("KafkaJSNumberOfRetriesExceeded", false))).toBe(true);
    const wrapped = kafkajsError("KafkaJSError", false, kafkajsError("KafkaJSGroupCoordinatorNotFound", true));
    expect(isSurvivableCrash(wrapped)).toBe(true);
  });

  it("survives the brokers being unreachable, which kafkajs reports as non-retriable with the message only", () => {
    const nonRetriable = (message: string) =>
      Object.assign(new Error(message), { name: "KafkaJSNonRetriableError", retriable: false });
    expect(isSurvivableCrash(nonRetriable("Connection error: connect ECONNREFUSED 127.0.0.1:9092"))).toBe(true);
    expect(isSurvivableCrash(nonRetriable("Failed to find group coordinator: Failed to find group coordinator"))).toBe(
      true,
    );
  });

  it("does not survive a non-retriable error (a deleted input topic, a bug)", () => {
    expect(isSurvivableCrash(kafkajsError("KafkaJSNonRetriableError", false))).toBe(false);
    expect(isSurvivableCrash(new TypeError("x is undefined"))).toBe(false);
  });

  it("restarts with a doubling delay, at most 10 times in 10 minutes", () => {
    const budget = new RestartBudget();
    const delays = Array.from({ length: 10 }, (_, i) => budget.next(i * 1000));
    expect(delays.slice(0, 6)).toEqual([1000, 2000, 4000, 8000, 16000, 30000]);
    expect(budget.next(11_000)).toBeUndefined();
    expect(budget.next(11 * 60_000)).toBe(1000);
  });
});

import { describe, expect, it } from "vitest";
import { customerioValue, deadLetterCode, group, pipeline, run, track } from "../../support/events.js";

// destinations.md, section 1: Input and outcomes.

describe("Input: the payload's type decides, not the topic", () => {
  it("routes a group call and a semantic track call whatever topic they came from", () => {
    expect(run(group()).outcome).toBe("routed");
    expect(run(track({ event: "Delete Object", properties: { objectId: "acme" } })).outcome).toBe("routed");
  });
});

describe("Input: every field of the full payload is accepted, unknown fields never reject", () => {
  it("routes a payload carrying context, campaign, page, integrations, dates, channel and version", () => {
    const result = run(
      group({
        anonymousId: "anon-1",
        messageId: "m-1",
        timestamp: "2015-02-23T22:28:55.111Z",
        sentAt: "2015-02-23T22:28:55.111Z",
        receivedAt: "2015-02-23T22:28:55.387Z",
        integrations: { All: true },
        context: {
          active: true,
          ip: "8.8.8.8",
          locale: "en-US",
          userAgent: "Mozilla/5.0",
          channel: "browser",
          campaign: { name: "n", source: "s", medium: "m", term: "t", content: "c", utm_extra: "x" },
          page: { name: "n", path: "/", referrer: "r", search: "?q", title: "t", url: "https://x", keywords: ["k"] },
          library: { name: "analytics.js" },
        },
        channel: "browser",
        version: 1.1,
        somethingNew: { nested: true },
      }),
    );
    expect(result.outcome).toBe("routed");
    expect(result.warnings).toEqual([]);
  });
});

describe("Input: outcomes", () => {
  it("skips identify, page, screen and alias calls as unsupported_type", () => {
    for (const type of ["identify", "page", "screen", "alias"]) {
      const result = run({ type, userId: "u" });
      expect(result.outcome).toBe("skipped");
      expect(result.skipped[0]?.reason).toBe("unsupported_type");
    }
  });

  it("skips an ordinary track event as not_semantic", () => {
    const result = run(track({ event: "Order Completed", properties: "not even an object" }));
    expect(result.skipped[0]?.reason).toBe("not_semantic");
  });

  it("skips a repeated messageId as duplicate", () => {
    const shared = pipeline();
    expect(run(group({ messageId: "same" }), shared).outcome).toBe("routed");
    expect(run(group({ messageId: "same" }), shared).skipped[0]?.reason).toBe("duplicate");
  });

  it("a record whose outputs were never written is routed again when it comes back, not skipped as a duplicate", () => {
    const shared = pipeline();
    const first = run(group({ messageId: "unsent" }), shared);
    expect(first.remembered).toEqual({ messageId: "unsent", destinations: expect.any(Number) });
    shared.forget(first.remembered ? [first.remembered] : []);
    expect(run(group({ messageId: "unsent" }), shared).outcome).toBe("routed");
    expect(run(group({ messageId: "unsent" }), shared).skipped[0]?.reason).toBe("duplicate");
  });

  it("skips an event whose integrations disable every destination as no_destination", () => {
    expect(run(group({ integrations: { All: false } })).skipped[0]?.reason).toBe("no_destination");
  });

  it("dead-letters with a stable code and a message that says what is wrong", () => {
    const result = run(group({ groupId: "" }));
    expect(result.outcome).toBe("dead_letter");
    expect(result.deadLetters[0]).toMatchObject({ code: "missing_group_id", stage: "validate" });
    expect(result.deadLetters[0]?.message).toMatch(/groupId/);
  });

  it("dead-letters an event without a type, and one with a type that does not exist", () => {
    expect(deadLetterCode(run({ groupId: "x" }))).toBe("missing_type");
    expect(deadLetterCode(run({ type: "GROUP", groupId: "x" }))).toBe("unknown_type");
  });

  it("dead-letters traits that are not an object; null traits are no traits", () => {
    expect(deadLetterCode(run(group({ traits: ["a"] })))).toBe("invalid_traits");
    expect(customerioValue(run(group({ traits: null }))).attributes).toEqual({});
  });

  it("dead-letters a track call without an event name", () => {
    expect(deadLetterCode(run(track({ event: "  " })))).toBe("missing_event");
    expect(deadLetterCode(run(track({})))).toBe("missing_event");
  });

  it("ends each input in exactly one outcome", () => {
    const results = [run(group()), run({ type: "page" }), run("{")];
    expect(results.map((r) => r.outcome)).toEqual(["routed", "skipped", "dead_letter"]);
  });
});

import { describe, expect, it } from "vitest";
import { describeSelection, selectDeadLetter } from "../../../src/replay/dead-letter-selection.js";

const deadLetter = { code: "invalid_object_type_id", failed_at: 1_000, attempt: 1 };

describe("dead-letter selection (dlq list / dlq replay)", () => {
  it("takes every code unless codes are named", () => {
    expect(selectDeadLetter({ codes: [], maxAttempts: 3 }, deadLetter)).toBe("selected");
    expect(selectDeadLetter({ codes: ["malformed_json"], maxAttempts: 3 }, deadLetter)).toBe("other_code");
  });

  it("--since is inclusive and --until exclusive, on the time the record was dead-lettered", () => {
    const selection = { codes: [], maxAttempts: 3, since: 1_000, until: 2_000 };
    expect(selectDeadLetter(selection, deadLetter)).toBe("selected");
    expect(selectDeadLetter(selection, { ...deadLetter, failed_at: 999 })).toBe("outside_time");
    expect(selectDeadLetter(selection, { ...deadLetter, failed_at: 2_000 })).toBe("outside_time");
  });

  it("a dead letter that has failed --max-attempts times is left alone: no record is re-driven in a loop", () => {
    expect(selectDeadLetter({ codes: [], maxAttempts: 3 }, { ...deadLetter, attempt: 2 })).toBe("selected");
    expect(selectDeadLetter({ codes: [], maxAttempts: 3 }, { ...deadLetter, attempt: 3 })).toBe("max_attempts");
  });

  it("the stored description does not depend on the order codes were given in", () => {
    const a = describeSelection({ codes: ["b", "a"], maxAttempts: 3 });
    expect(a).toBe(describeSelection({ codes: ["a", "b"], maxAttempts: 3 }));
    expect(a).not.toBe(describeSelection({ codes: ["a", "b"], maxAttempts: 4 }));
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDate, toIso, toUnixSeconds } from "../../../src/events/dates.js";

describe("Dates: ISO-8601 dates and date-times", () => {
  it("accepts a date alone as UTC midnight", () => {
    expect(parseDate("2021-01-01")).toBe(Date.UTC(2021, 0, 1));
  });

  it("accepts date-times with Z, with any number of fractional digits", () => {
    expect(parseDate("2015-02-23T22:28:55Z")).toBe(Date.UTC(2015, 1, 23, 22, 28, 55));
    expect(parseDate("2015-02-23T22:28:55.1Z")).toBe(Date.UTC(2015, 1, 23, 22, 28, 55, 100));
    expect(parseDate("2015-02-23T22:28:55.111Z")).toBe(Date.UTC(2015, 1, 23, 22, 28, 55, 111));
    // Segment's parser fails on 7+ digits; ours must not.
    expect(parseDate("2015-02-23T22:28:55.6527521Z")).toBe(Date.UTC(2015, 1, 23, 22, 28, 55, 652));
    expect(parseDate("2015-02-23T22:28:55.123456789012Z")).toBe(Date.UTC(2015, 1, 23, 22, 28, 55, 123));
  });

  it("accepts offsets in every ISO spelling and converts them to UTC", () => {
    const utc = Date.UTC(2015, 1, 23, 20, 28, 55);
    expect(parseDate("2015-02-23T22:28:55+02:00")).toBe(utc);
    expect(parseDate("2015-02-23T22:28:55+0200")).toBe(utc);
    expect(parseDate("2015-02-23T22:28:55+02")).toBe(utc);
    expect(parseDate("2015-02-23T18:58:55-01:30")).toBe(utc);
    expect(parseDate("2015-02-23 22:28:55.5+02:00")).toBe(utc + 500);
  });

  it("accepts hours and minutes without seconds", () => {
    expect(parseDate("2015-02-23T22:28Z")).toBe(Date.UTC(2015, 1, 23, 22, 28));
  });

  it("refuses a date-time without a zone, trailing junk, and impossible dates", () => {
    expect(parseDate("2015-02-23T22:28:55")).toBeUndefined();
    expect(parseDate("2015-02-23T22:28:55.111Z,")).toBeUndefined();
    expect(parseDate("2015-02-30")).toBeUndefined();
    expect(parseDate("2015-13-01")).toBeUndefined();
    expect(parseDate("2015-02-23T24:00:00Z")).toBeUndefined();
    expect(parseDate("2015-02-23T22:60:00Z")).toBeUndefined();
    expect(parseDate("2015-02-23T22:28:55+25:00")).toBeUndefined();
    expect(parseDate("yesterday")).toBeUndefined();
    expect(parseDate("")).toBeUndefined();
  });

  it("knows leap years", () => {
    expect(parseDate("2024-02-29")).toBe(Date.UTC(2024, 1, 29));
    expect(parseDate("2023-02-29")).toBeUndefined();
    expect(parseDate("1900-02-29")).toBeUndefined();
    expect(parseDate("2000-02-29")).toBe(Date.UTC(2000, 1, 29));
  });

  it("keeps years below 100 as written", () => {
    expect(toIso(parseDate("0050-06-01") ?? Number.NaN)).toBe("0050-06-01T00:00:00.000Z");
  });
});

describe("Dates: numbers", () => {
  it("reads numbers below 1e11 as Unix seconds", () => {
    expect(parseDate(1424730535)).toBe(1424730535000);
    expect(parseDate(1424730535.5)).toBe(1424730535500);
    expect(parseDate(0)).toBe(0);
  });

  it("reads numbers from 1e11 on as milliseconds", () => {
    expect(parseDate(1424730535111)).toBe(1424730535111);
    expect(parseDate(1e11)).toBe(1e11);
  });

  it("refuses what no Date can hold, and non-dates", () => {
    expect(parseDate(1e20)).toBeUndefined();
    expect(parseDate(true)).toBeUndefined();
    expect(parseDate(null)).toBeUndefined();
    expect(parseDate({})).toBeUndefined();
  });
});

describe("Dates: conversions", () => {
  it("writes ISO-8601 UTC and whole Unix seconds, never rounding into the future", () => {
    expect(toIso(1424730535111)).toBe("2015-02-23T22:28:55.111Z");
    expect(toUnixSeconds(1424730535999)).toBe(1424730535);
    expect(toUnixSeconds(-1)).toBe(-1);
  });
});

describe("Dates: the fast path for toISOString's shape agrees with the general parser", () => {
  it("for every instant a Date can print with a four-digit year", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(100, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }), (millis) => {
        const text = new Date(millis).toISOString();
        expect(parseDate(text)).toBe(millis);
        // The same instant with an explicit +00:00 zone takes the general parser.
        expect(parseDate(text.replace("Z", "+00:00"))).toBe(millis);
      }),
      { numRuns: 2000 },
    );
  });

  it("for 24-character strings that only look like it", () => {
    const digit = fc.constantFrom(..."0123456789x");
    const shaped = fc
      .array(digit, { minLength: 17, maxLength: 17 })
      .map(
        (d) =>
          `${d.slice(0, 4).join("")}-${d.slice(4, 6).join("")}-${d.slice(6, 8).join("")}T${d.slice(8, 10).join("")}:${d.slice(10, 12).join("")}:${d.slice(12, 14).join("")}.${d.slice(14, 17).join("")}Z`,
      );
    fc.assert(
      fc.property(shaped, (text) => {
        expect(parseDate(text)).toBe(parseDate(text.replace("Z", "+00:00")));
      }),
      { numRuns: 5000 },
    );
  });
});

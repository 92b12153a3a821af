import { numberOf } from "./json.js";

/**
 * ISO-8601 dates and date-times, and Unix times, to epoch milliseconds.
 * - `YYYY-MM-DD` (UTC midnight);
 * - `YYYY-MM-DDTHH:MM[:SS[.fraction]]` with `Z` or an offset (`+HH:MM`, `+HHMM`, `+HH`), with
 *   any number of fractional digits (Segment's parser fails on 7+; `.6527521Z` is valid here),
 *   `T` or a space between date and time;
 * - numbers: Unix seconds below 1e11, milliseconds from there on.
 * A date-time without a zone is refused: it names no instant.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|z|[+-]\d{2}(?::?\d{2})?))?$/;

const MAX_DATE_MS = 8.64e15;
const SECONDS_BELOW = 1e11;

export function parseDate(value: unknown): number | undefined {
  // A Unix time with more digits than a double keeps (`1700000000.123456789`): to the millisecond it is the same.
  const unix = numberOf(value);
  if (unix !== undefined) return parseUnix(unix);
  if (typeof value !== "string") return undefined;
  return parseCanonicalUtc(value) ?? parseIso(value);
}

const ZERO = 48;

/** Two to four ASCII digits at `at` as a number, or -1. */
function digits(text: string, at: number, count: number): number {
  let result = 0;
  for (let i = at; i < at + count; i++) {
    const digit = text.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return -1;
    result = result * 10 + digit;
  }
  return result;
}

/**
 * The shape nearly every sender uses, `YYYY-MM-DDTHH:MM:SS.sssZ` (what toISOString writes), read
 * without a regular expression: dates are parsed several times per event, and this is the hot
 * path. Anything else, or anything this refuses, goes to the general parser.
 */
function parseCanonicalUtc(text: string): number | undefined {
  if (text.length !== 24 || text[4] !== "-" || text[7] !== "-" || text[10] !== "T" || text[13] !== ":")
    return undefined;
  if (text[16] !== ":" || text[19] !== "." || text[23] !== "Z") return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const millis = digits(text, 20, 3);
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || millis < 0) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis);
}

function parseIso(value: string): number | undefined {
  const match = ISO.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (h === undefined) return utc(year, month, day, 0, 0, 0, 0);
  if (zone === undefined) return undefined;
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, "0"));
  const offset = zoneOffsetMinutes(zone);
  if (offset === undefined) return undefined;
  const instant = utc(year, month, day, hour, minute, second, millis) - offset * 60_000;
  return Math.abs(instant) <= MAX_DATE_MS ? instant : undefined;
}

function parseUnix(value: number): number | undefined {
  if (!Number.isFinite(value)) return undefined;
  const millis = Math.abs(value) < SECONDS_BELOW ? value * 1000 : value;
  const rounded = Math.trunc(millis);
  return Math.abs(rounded) <= MAX_DATE_MS ? rounded : undefined;
}

function zoneOffsetMinutes(zone: string): number | undefined {
  if (zone === "Z" || zone === "z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
}

function utc(year: number, month: number, day: number, hour: number, minute: number, second: number, millis: number) {
  if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  return date.getTime();
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/** Epoch milliseconds to an ISO-8601 UTC string with milliseconds. */
export function toIso(millis: number): string {
  return new Date(millis).toISOString();
}

/** Epoch milliseconds to whole Unix seconds (floored, so an instant never moves into the future). */
export function toUnixSeconds(millis: number): number {
  return Math.floor(millis / 1000);
}

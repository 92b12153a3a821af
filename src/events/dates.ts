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
  if (typeof value === "number") return parseUnix(value);
  if (typeof value !== "string") return undefined;
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

/** Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not. */
function utc(year: number, month: number, day: number, hour: number, minute: number, second: number, millis: number) {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  return date.getTime();
}

function daysInMonth(year: number, month: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, 0);
  return date.getUTCDate();
}

/** Epoch milliseconds to an ISO-8601 UTC string with milliseconds. */
export function toIso(millis: number): string {
  return new Date(millis).toISOString();
}

/** Epoch milliseconds to whole Unix seconds (floored, so an instant never moves into the future). */
export function toUnixSeconds(millis: number): number {
  return Math.floor(millis / 1000);
}

import { exactIntegerOf } from "./exact-number.js";
import { isExactNumber, type JsonValue } from "./json.js";

const MAX_OBJECT_TYPE_ID = 2_147_483_647;
/** "2147483647" has ten digits: once leading zeros are gone, more means out of range. */
const MAX_DIGITS = 10;

/**
 * A valid objectTypeId as its canonical decimal string: a positive whole number, or a string of
 * digits without sign, whose value is from 1 to 2147483647. The value is checked, not the
 * spelling: "007" and "00000000007" are both 7.
 */
export function parseObjectTypeId(value: JsonValue | undefined): string | undefined {
  let digits: string;
  if (typeof value === "number") {
    if (!Number.isInteger(value)) return undefined;
    digits = String(value);
  } else if (isExactNumber(value)) {
    const exact = exactIntegerOf(value.rawJSON, MAX_DIGITS + 1);
    if (!exact.ok) return undefined;
    digits = exact.digits;
  } else if (typeof value === "string" && /^\d+$/.test(value)) {
    digits = value.replace(/^0+(?=\d)/, "");
  } else {
    return undefined;
  }
  if (digits.length > MAX_DIGITS || !/^\d+$/.test(digits)) return undefined;
  const numeric = Number(digits);
  return numeric >= 1 && numeric <= MAX_OBJECT_TYPE_ID ? String(numeric) : undefined;
}

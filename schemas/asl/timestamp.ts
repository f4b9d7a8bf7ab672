import { z } from 'zod';

/** RFC 3339 `date-time` with an uppercase `T` and an uppercase `Z` or a numeric offset, as ASL requires. */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * True when `value` is an RFC 3339 timestamp as ASL uses them (Wait `Timestamp`, Choice
 * `Timestamp*` comparators): `2016-03-14T01:59:00Z`, any number of fractional digits, `Z` or
 * `±hh:mm`. Calendar fields are range-checked, so `2016-13-05T…` and `…T25:29:29Z` are rejected.
 */
export function isRfc3339Timestamp(value: string): boolean {
  const m = RFC3339.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  if (m[8] !== 'Z' && (Number(m[9]) > 23 || Number(m[10]) > 59)) return false;
  return true;
}

/** A string holding an RFC 3339 timestamp; AWS's message for a bad one, verbatim. */
export const TimestampSchema = z
  .string()
  .refine(isRfc3339Timestamp, { error: 'String does not match RFC3339 timestamp' });

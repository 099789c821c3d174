import { formatDay } from './time.ts';

/**
 * A grant's expiry as the rep picks it: a day (an `<input type="date">` value, in the rep's own
 * time zone), meaning the credit can be spent through that whole day. It is sent as the last second
 * of that day, so the lots table shows it on the day picked ("Dec 31, 2026, 11:59 PM EST").
 *
 * The contract allows an expiry in the future and at most 5 years ahead. Here 5 years are calendar
 * years from now (Dec 4, 2026 → Dec 4, 2031), a few days within the service's own bound, so a
 * date the form accepts is never refused for its distance.
 */

export const MAX_GRANT_YEARS = 5;

export type ParsedExpiry = { ok: true; expiresAt: string } | { ok: false; message: string };

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The last second of a `YYYY-MM-DD` day in the rep's zone, or undefined for no such day. */
function endOfDay(text: string): Date | undefined {
  const match = DAY.exec(text.trim());
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const end = new Date(year, month - 1, day, 23, 59, 59);
  // `new Date` rolls Feb 30 over into March: such a day does not exist.
  return end.getFullYear() === year && end.getMonth() === month - 1 && end.getDate() === day
    ? end
    : undefined;
}

const dayText = (time: Date): string =>
  `${String(time.getFullYear()).padStart(4, '0')}-${String(time.getMonth() + 1).padStart(2, '0')}-${String(time.getDate()).padStart(2, '0')}`;

/** The furthest instant a grant may expire at: 5 calendar years from `now`. */
function latestExpiry(now: Date): Date {
  const latest = new Date(now);
  latest.setFullYear(latest.getFullYear() + MAX_GRANT_YEARS);
  return latest;
}

/** The first and last days the picker offers (`min` and `max` of the date input). */
export function expiryDayBounds(now: Date): { first: string; last: string } {
  const latest = latestExpiry(now);
  const lastDay = new Date(latest.getFullYear(), latest.getMonth(), latest.getDate());
  const lastEnd = endOfDay(dayText(lastDay));
  // The day 5 years ahead ends after the bound (unless it is its very last second): the day before.
  if (lastEnd && lastEnd > latest) lastDay.setDate(lastDay.getDate() - 1);
  return { first: dayText(now), last: dayText(lastDay) };
}

/**
 * The `expiresAt` to send for a picked day, checked as the contract states: in the future, at most
 * 5 years ahead. An empty field is no expiry (`undefined`).
 */
export function parseExpiryDay(text: string, now: Date): ParsedExpiry | undefined {
  if (text.trim() === '') return undefined;
  const end = endOfDay(text);
  if (!end) return { ok: false, message: 'Enter a date, e.g. 2027-01-31.' };
  if (end <= now) return { ok: false, message: 'The expiry date must be today or later.' };
  if (end > latestExpiry(now)) {
    const { last } = expiryDayBounds(now);
    return {
      ok: false,
      message: `The expiry can be at most ${MAX_GRANT_YEARS} years ahead: ${formatDay(endOfDay(last) ?? now)} at the latest.`,
    };
  }
  return { ok: true, expiresAt: end.toISOString() };
}

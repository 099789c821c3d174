import { describe, expect, it } from 'vitest';
import { expiryDayBounds, parseExpiryDay } from '../src/grant-expiry.ts';

// The tests read the rep's zone as UTC (vite.config.ts).
const NOW = new Date('2026-12-04T10:00:00Z');

describe('a grant expiry day', () => {
  it('is no expiry when left empty', () => {
    expect(parseExpiryDay('  ', NOW)).toBeUndefined();
  });

  it('ends with the day picked, so today is allowed', () => {
    expect(parseExpiryDay('2026-12-04', NOW)).toEqual({ ok: true, expiresAt: '2026-12-04T23:59:59.000Z' });
  });

  it('is refused when it is not a day of the calendar', () => {
    for (const text of ['2027-02-30', '31/01/2027', '2027-13-01'])
      expect(parseExpiryDay(text, NOW)).toEqual({ ok: false, message: 'Enter a date, e.g. 2027-01-31.' });
  });

  it('takes the last day whose end is within 5 calendar years, and not the day after', () => {
    expect(expiryDayBounds(NOW)).toEqual({ first: '2026-12-04', last: '2031-12-03' });
    expect(parseExpiryDay('2031-12-03', NOW)).toMatchObject({ ok: true });
    expect(parseExpiryDay('2031-12-04', NOW)).toMatchObject({ ok: false });
  });

  it('takes the day 5 years ahead when now is the very end of a day', () => {
    const late = new Date('2026-12-04T23:59:59Z');
    expect(expiryDayBounds(late).last).toBe('2031-12-04');
    expect(parseExpiryDay('2031-12-04', late)).toMatchObject({ ok: true });
  });
});

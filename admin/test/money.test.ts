import { describe, expect, it } from 'vitest';
import { formatCents, formatSignedCents, parseDollars } from '../src/money.ts';

describe('parseDollars', () => {
  it.each([
    ['12', 1200],
    ['12.5', 1250],
    ['12.50', 1250],
    ['0.01', 1],
    ['$1,234.56', 123456],
    [' 19.99 ', 1999],
    // 0.1 + 0.2 style drift would give 29 or 30.000000000000004 somewhere: text arithmetic gives 30.
    ['0.30', 30],
    ['1000000000', 100_000_000_000],
  ])('reads %s as %i cents', (text, cents) => {
    expect(parseDollars(text)).toEqual({ ok: true, cents });
  });

  it.each([
    ['', 'Enter an amount.'],
    ['abc', 'Enter dollars and at most two decimals, e.g. 12.50.'],
    ['1.234', 'Enter dollars and at most two decimals, e.g. 12.50.'],
    ['-5', 'Enter dollars and at most two decimals, e.g. 12.50.'],
    ['1e3', 'Enter dollars and at most two decimals, e.g. 12.50.'],
    ['0', 'The amount must be at least $0.01.'],
    ['0.00', 'The amount must be at least $0.01.'],
    ['1000000000.01', 'The amount can be at most $1,000,000,000.00.'],
    ['99999999999999999999', 'The amount can be at most $1,000,000,000.00.'],
  ])('refuses %j', (text, message) => {
    expect(parseDollars(text)).toEqual({ ok: false, message });
  });
});

describe('formatCents', () => {
  it('formats integer cents exactly', () => {
    expect(formatCents(0)).toBe('$0.00');
    expect(formatCents(5)).toBe('$0.05');
    expect(formatCents(123456)).toBe('$1,234.56');
    expect(formatCents(Number.MAX_SAFE_INTEGER)).toBe('$90,071,992,547,409.91');
    expect(formatCents(-250)).toBe('-$2.50');
  });

  it('signs amounts of the credit history', () => {
    expect(formatSignedCents(1000)).toBe('+$10.00');
    expect(formatSignedCents(-500)).toBe('-$5.00');
  });
});

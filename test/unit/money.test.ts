import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addCents, dollarsToCents, MAX_BALANCE_CENTS, shareOfCents } from '../../functions/shared/money.ts';

describe('dollarsToCents', () => {
  it.each([
    [1299.99, 129_999],
    [49.99, 4_999],
    [0.1, 10],
    [0.3, 30],
    [1, 100],
    [0, 0],
    [19.9, 1_990],
    [1e9, 100_000_000_000],
  ])('converts %p dollars to exactly %p cents', (dollars, cents) => {
    expect(dollarsToCents(dollars)).toBe(cents);
  });

  it('converts the float sum 0.1 + 0.2 as the number it is, not as 0.30', () => {
    // 0.1 + 0.2 is 0.30000000000000004: a price with more than two decimals is refused, not rounded.
    expect(dollarsToCents(0.1 + 0.2)).toBeUndefined();
  });

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY], [12.345], [1e-7], [1e21]])(
    'refuses %p',
    (dollars) => {
      expect(dollarsToCents(dollars)).toBeUndefined();
    },
  );

  it('round-trips every whole number of cents up to a billion dollars', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000_000 }), (cents) => {
        expect(dollarsToCents(Number((cents / 100).toFixed(2)))).toBe(cents);
      }),
    );
  });
});

describe('addCents', () => {
  it('adds signed whole cents', () => {
    expect(addCents(100, -30, 5)).toBe(75);
  });

  it('refuses fractions and results past the safe-integer range', () => {
    expect(addCents(1.5, 1)).toBeUndefined();
    expect(addCents(MAX_BALANCE_CENTS, 1)).toBeUndefined();
  });
});

describe('shareOfCents', () => {
  it('splits 10.00 over 3 units as 3.33, 3.33, 3.34 when counted cumulatively', () => {
    const cumulative = [0, 1, 2, 3].map((units) => shareOfCents(1000, units, 3));
    const perUnit = cumulative.slice(1).map((value, index) => value - (cumulative[index] ?? 0));

    expect(perUnit).toEqual([333, 333, 334]);
    expect(perUnit.reduce((sum, value) => sum + value, 0)).toBe(1000);
  });

  it('stays exact where a float product would not be', () => {
    expect(shareOfCents(9_007_199_254_740_991, 99, 100)).toBe(8_917_127_262_193_581);
  });
});

import { describe, expect, it } from '@jest/globals';
import { CreatePromoCodeRequestSchema } from '../../functions/promo-codes/promo-code.schemas.ts';
import {
  allotments,
  discountFor,
  type PromoCode,
  PromoCodeInvalidError,
  PromoLimitBelowClaimedError,
  refusalNow,
} from '../../functions/promo-codes/promo-code.ts';
import { percentOfCents } from '../../functions/shared/money.ts';

const NOW = '2026-06-01T00:00:00.000Z';
const code = (fields: Partial<PromoCode> = {}): PromoCode => ({
  code: 'SUMMER',
  kind: 'PERCENT',
  percentOff: 10,
  active: true,
  redemptions: 0,
  claimedRedemptions: 0,
  createdAt: NOW,
  updatedAt: NOW,
  ...fields,
});
const purchase = { subtotalCents: 1_000, productId: 'p1', now: NOW };

const refusal = (promo: PromoCode, at = purchase): string | undefined => {
  try {
    discountFor(promo, at);
    return undefined;
  } catch (error) {
    if (error instanceof PromoCodeInvalidError) return error.reason;
    throw error;
  }
};

describe('percentOfCents', () => {
  it.each([
    [297, 15, 44],
    [1, 50, 0],
    [199, 50, 99],
    [Number.MAX_SAFE_INTEGER, 100, Number.MAX_SAFE_INTEGER],
  ])('takes %i × %i %% as %i cents, rounding down, exactly', (cents, percent, expected) => {
    expect(percentOfCents(cents, percent)).toBe(expected);
  });
});

describe('discountFor', () => {
  it('takes a FIXED amount, but never more than the subtotal', () => {
    expect(discountFor(code({ kind: 'FIXED', amountOffCents: 300 }), purchase)).toBe(300);
    expect(discountFor(code({ kind: 'FIXED', amountOffCents: 5_000 }), purchase)).toBe(1_000);
  });

  it.each([
    ['INACTIVE', { active: false }],
    ['NOT_STARTED', { validFrom: '2026-06-01T00:00:00.001Z' }],
    ['EXPIRED', { validUntil: NOW }],
    ['EXHAUSTED', { maxRedemptions: 2, claimedRedemptions: 2 }],
    ['NOT_FOR_THIS_PRODUCT', { productIds: ['p2'] as string[] }],
    ['BELOW_MINIMUM', { minSubtotalCents: 1_001 }],
  ] as const)('refuses with %s', (reason, fields) => {
    expect(refusal(code(fields))).toBe(reason);
  });

  it('applies from validFrom, until just before validUntil, at the minimum and with redemptions left', () => {
    const promo = code({
      validFrom: NOW,
      validUntil: '2026-06-01T00:00:00.001Z',
      minSubtotalCents: 1_000,
      maxRedemptions: 3,
      claimedRedemptions: 2,
      productIds: ['p1'],
    });
    expect(discountFor(promo, purchase)).toBe(100);
  });
});

describe('refusalNow', () => {
  it('names what closed a code between the quote and the write', () => {
    expect(refusalNow(undefined, NOW)).toBe('UNKNOWN');
    expect(refusalNow(code({ active: false }), NOW)).toBe('INACTIVE');
    expect(refusalNow(code({ validUntil: NOW }), NOW)).toBe('EXPIRED');
    expect(refusalNow(code({ maxRedemptions: 1, claimedRedemptions: 1 }), NOW)).toBe('EXHAUSTED');
  });
});

describe('CreatePromoCodeRequestSchema', () => {
  it('stores codes upper-case and times as toISOString writes them, so that they compare as text', () => {
    const parsed = CreatePromoCodeRequestSchema.parse({
      code: 'summer_26',
      kind: 'PERCENT',
      percentOff: 10,
      validFrom: '2026-06-01T00:00:00Z',
    });
    expect(parsed).toMatchObject({ code: 'SUMMER_26', validFrom: '2026-06-01T00:00:00.000Z' });
  });
});

describe('allotments (a limit split over counter shards)', () => {
  it('splits a limit evenly, the first shards taking the remainder', () => {
    expect(allotments('C', [0, 0, 0, 0], 10)).toEqual([3, 3, 2, 2]);
    expect(allotments('C', [0, 0, 0, 0], 2)).toEqual([1, 1, 0, 0]);
  });

  it('never gives a shard less than it has claimed, and still sums to the limit', () => {
    const split = allotments('C', [5, 0, 1, 0], 8);
    expect(split).toEqual([6, 1, 1, 0]);
    expect(split.reduce((sum, part) => sum + part, 0)).toBe(8);
  });

  it('refuses a limit below what the shards have claimed', () => {
    expect(() => allotments('C', [2, 2, 1, 0], 4)).toThrow(PromoLimitBelowClaimedError);
  });
});

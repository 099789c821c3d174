import { describe, expect, it } from '@jest/globals';
import type { Purchase } from '../../functions/purchases/purchase.schemas.ts';
import { type RefundablePurchase, refundAmount } from '../../functions/refunds/refund.ts';

/** A purchase of `quantity` units for `totalCents`, with what was refunded so far. */
function bought(
  totalCents: number,
  quantity: number,
  refundedCents = 0,
  refundedQuantity = 0,
): Pick<RefundablePurchase, 'purchase' | 'refundedQuantity'> {
  return {
    purchase: { id: 'p1', totalCents, quantity, refundedCents, status: 'COMPLETED' } as Purchase,
    refundedQuantity,
  };
}

describe('refundAmount', () => {
  it('refunds cumulative unit shares that sum to the total', () => {
    expect(refundAmount(bought(1000, 3), { quantity: 1 })).toBe(333);
    expect(refundAmount(bought(1000, 3, 333, 1), { quantity: 1 })).toBe(333);
    expect(refundAmount(bought(1000, 3, 666, 2), { quantity: 1 })).toBe(334);
  });

  it('returns exactly what remains for the last units after a refund by amount', () => {
    expect(refundAmount(bought(200, 2, 10, 0), { quantity: 1 })).toBe(100);
    expect(refundAmount(bought(200, 2, 110, 1), { quantity: 1 })).toBe(90);
    expect(refundAmount(bought(200, 2, 10, 0), { quantity: 2 })).toBe(190);
  });

  it('never takes more than remains for units that are not the last', () => {
    expect(refundAmount(bought(300, 3, 250, 0), { quantity: 1 })).toBe(50);
  });

  it('refuses more units than remain, and a purchase refunded in full', () => {
    expect(() => refundAmount(bought(200, 2, 100, 1), { quantity: 2 })).toThrow(
      expect.objectContaining({ code: 'REFUND_EXCEEDS_REMAINING' }),
    );
    expect(() => refundAmount(bought(200, 2, 200, 1), { quantity: 1 })).toThrow(
      expect.objectContaining({ code: 'PURCHASE_NOT_REFUNDABLE' }),
    );
  });

  it('refunds an amount within what remains, and all that remains when neither is given', () => {
    expect(refundAmount(bought(500, 1, 100), { amountCents: 400 })).toBe(400);
    expect(refundAmount(bought(500, 1, 100), {})).toBe(400);
    expect(() => refundAmount(bought(500, 1, 100), { amountCents: 401 })).toThrow(
      expect.objectContaining({ code: 'REFUND_EXCEEDS_REMAINING' }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import type { Purchase } from '../src/api-types.ts';
import { previewRefund } from '../src/refund-preview.ts';

const purchase = (over: Partial<Purchase> = {}): Purchase =>
  ({
    id: 'p1',
    quantity: 3,
    totalCents: 1000,
    refundedCents: 0,
    refundableCents: 1000,
    refunds: [],
    ...over,
  }) as Purchase;

describe('previewRefund', () => {
  it('gives each unit its cumulative share, so three units return the whole total', () => {
    expect(previewRefund(purchase(), { kind: 'quantity', quantity: 1 })).toEqual({ ok: true, cents: 333 });
    const afterOne = purchase({
      refundedCents: 333,
      refundableCents: 667,
      refunds: [
        { id: 'r1', purchaseId: 'p1', amountCents: 333, quantity: 1, reason: 'x', actor: 'a', createdAt: '' },
      ],
    });
    expect(previewRefund(afterOne, { kind: 'quantity', quantity: 1 })).toEqual({ ok: true, cents: 333 });
    expect(previewRefund(afterOne, { kind: 'quantity', quantity: 2 })).toEqual({ ok: true, cents: 667 });
  });

  it('says when more units or cents are asked than remain', () => {
    expect(previewRefund(purchase(), { kind: 'quantity', quantity: 4 })).toEqual({
      ok: false,
      message: 'Only 3 unit(s) remain to be refunded.',
    });
    expect(previewRefund(purchase(), { kind: 'amount', amountCents: 1001 })).toEqual({
      ok: false,
      message: 'The refund is more than what remains to be refunded.',
    });
  });

  it('refunds what remains', () => {
    expect(previewRefund(purchase({ refundedCents: 400 }), { kind: 'remaining' })).toEqual({
      ok: true,
      cents: 600,
    });
  });
});

import { describe, expect, it } from 'vitest';
import type { AuditRecord, Refund } from '../src/api-types.ts';
import { fieldLines, labelOf, storyOf } from '../src/audit-story.ts';

/**
 * A record with only the attributes a story reads: its images are partial on purpose (a CREATED
 * record's `after` is the whole item in the API), so the fixture is cast.
 */
const record = (over: Record<string, unknown>): AuditRecord =>
  ({
    id: 'a1',
    entityType: 'PURCHASE',
    entityId: '01JPURCHASE',
    action: 'UPDATED',
    before: {},
    after: {},
    actor: 'demo-support',
    at: '2026-12-04T15:06:00.000Z',
    sequence: 2,
    ...over,
  }) as AuditRecord;

const refund = (over: Partial<Refund>): Refund => ({
  id: 'r1',
  purchaseId: '01JPURCHASE',
  amountCents: 1000,
  quantity: 1,
  reason: 'damaged box',
  actor: 'demo-support',
  createdAt: '2026-12-04T15:06:00.000Z',
  ...over,
});

describe('storyOf', () => {
  it("tells a purchase's refund with its units, actor and the refund's reason", () => {
    const update = record({
      before: { refundedCents: 500, refundedQuantity: 1, status: 'PARTIALLY_REFUNDED' },
      after: { refundedCents: 1500, refundedQuantity: 2, status: 'PARTIALLY_REFUNDED' },
    });
    const refunds = [
      refund({ id: 'r2', amountCents: 1000, reason: 'damaged box', createdAt: '2026-12-04T15:06:00Z' }),
      refund({ id: 'r1', amountCents: 500, reason: 'late', createdAt: '2026-12-04T15:00:00Z' }),
    ];
    expect(storyOf(update, { refunds }).headline).toBe(
      'Refunded $10.00 (1 unit) by demo-support: damaged box',
    );
    expect(storyOf(update).headline).toBe('Refunded $10.00 (1 unit) by demo-support');
  });

  it('tells grants, deductions and refunds with their reasons', () => {
    const entry = (after: Record<string, unknown>) =>
      storyOf(record({ entityType: 'CREDIT_TRANSACTION', action: 'CREATED', after })).headline;
    expect(entry({ type: 'GRANT', amountCents: 2500, reason: 'late delivery' })).toBe(
      'Granted $25.00 by demo-support: late delivery',
    );
    expect(entry({ type: 'DEDUCTION', amountCents: -500, reason: 'correction' })).toBe(
      'Deducted $5.00 by demo-support: correction',
    );
    expect(
      storyOf(
        record({
          entityType: 'REFUND',
          action: 'CREATED',
          after: { amountCents: 333, quantity: 2, reason: 'x' },
        }),
      ).headline,
    ).toBe('Refunded $3.33 (2 units) by demo-support: x');
  });

  it('tells a promo code deactivated and reactivated', () => {
    const promo = (active: boolean) =>
      storyOf(
        record({
          entityType: 'PROMO_CODE',
          entityId: 'SPRING25',
          before: { active: !active },
          after: { active },
        }),
      ).headline;
    expect(promo(false)).toBe('Deactivated promo code SPRING25 by demo-support');
    expect(promo(true)).toBe('Reactivated promo code SPRING25 by demo-support');
  });
});

describe('fieldLines', () => {
  it('shows money in dollars and times in the time zone, and leaves out what did not change', () => {
    expect(
      fieldLines(
        { refundedCents: 0, status: 'COMPLETED', id: 'p1', shippedAt: '2026-12-04T15:06:00.000Z' },
        { refundedCents: 333, status: 'PARTIALLY_REFUNDED', id: 'p1', shippedAt: '2026-12-04T15:06:00.000Z' },
      ),
    ).toEqual([
      { label: 'Refunded', before: '$0.00', after: '$3.33' },
      { label: 'Status', before: 'completed', after: 'partially refunded' },
    ]);
    expect(fieldLines(null, { shippedAt: '2026-12-04T15:06:00.000Z' })).toEqual([
      { label: 'Shipped at', before: undefined, after: 'Dec 4, 2026, 3:06 PM UTC' },
    ]);
  });

  it("shows a snapshot as one line per field, and never the record's own time and actor", () => {
    expect(
      fieldLines(null, {
        product: { name: 'Keyboard', priceCents: 14999, tags: ['usb', 'wireless'] },
        customer: { shippingAddress: { city: 'Springfield' } },
        updatedAt: '2026-12-04T15:06:00.000Z',
        changedBy: 'demo-support',
      }),
    ).toEqual([
      { label: 'Product · Name', before: undefined, after: 'Keyboard' },
      { label: 'Product · Price', before: undefined, after: '$149.99' },
      { label: 'Product · Tags', before: undefined, after: 'usb, wireless' },
      { label: 'Customer · Shipping address · City', before: undefined, after: 'Springfield' },
    ]);
  });
});

describe('labelOf', () => {
  it.each([
    ['refundedCents', 'Refunded'],
    ['balanceAfterCents', 'Balance after'],
    ['purchaseRefundedCentsAfter', 'Purchase refunded after'],
    ['shipmentId', 'Shipment id'],
  ])('%s → %s', (name, label) => expect(labelOf(name)).toBe(label));
});

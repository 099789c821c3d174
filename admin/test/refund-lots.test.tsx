import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Purchase, RefundResponse } from '../src/api-types.ts';
import { RefundForm } from '../src/refund-form.tsx';
import { refundLotsOf, refundLotsText } from '../src/refund-lots.ts';
import { fakeApi, renderApp } from './harness.tsx';

const purchase = {
  id: 'p1',
  customerId: 'c1',
  quantity: 1,
  totalCents: 1000,
  refundedCents: 0,
  refundableCents: 1000,
  refunds: [],
} as unknown as Purchase;

const answerWith = (refund: object) =>
  ({
    refund: { id: 'r1', amountCents: 1000, ...refund },
    purchase: { ...purchase, refundedCents: 1000, refundableCents: 0 },
  }) as unknown as RefundResponse;

describe("a refund's lots", () => {
  it('says how much went back to which lot, and how much of which lot expired at once', () => {
    const lots = refundLotsOf(
      answerWith({
        lots: [
          { lotId: '01JPAID00000000000000000BB', amountCents: 700 },
          { lotId: 'short', amountCents: 200 },
        ],
        expired: [{ lotId: 'gone', amountCents: 100 }],
      }),
    );
    expect(lots && refundLotsText(lots)).toBe(
      'Back to credit: $7.00 to lot 01JPAID000…, $2.00 to lot short. Expired at once, its lot having lapsed: $1.00 of lot gone.',
    );
  });

  it('is nothing when the answer does not say, or says it in a shape the app does not know', () => {
    expect(refundLotsOf(answerWith({}))).toBeUndefined();
    expect(
      refundLotsOf(answerWith({ lots: [{ lot: 'x', cents: '7' }], expired: { amountCents: 1 } })),
    ).toBeUndefined();
    expect(refundLotsOf(answerWith({ lots: [], expired: [] }))).toBeUndefined();
  });

  it('is shown with the refund when the service sends it', async () => {
    const api = fakeApi(() => ({
      status: 201,
      body: answerWith({
        lots: [{ lotId: 'lot-1', amountCents: 600 }],
        expired: [{ lotId: 'lot-2', amountCents: 400 }],
      }),
    }));
    renderApp(<RefundForm purchase={purchase} />, { role: 'support', fetchImpl: api.fetchImpl });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Reason'), 'damaged');
    await user.click(screen.getByRole('button', { name: 'Review refund' }));
    await user.click(screen.getByRole('button', { name: 'Confirm refund of $10.00' }));
    expect(
      await screen.findByText(
        'Refunded $10.00. Still refundable: $0.00. Back to credit: $6.00 to lot lot-1. Expired at once, its lot having lapsed: $4.00 of lot lot-2.',
      ),
    ).toBeTruthy();
  });
});

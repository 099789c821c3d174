import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { PromoCodeView } from '../src/api-types.ts';
import PromoCodesPage from '../src/pages/promo-codes.tsx';
import { type PromoCodeFields, promoCodeRequestOf } from '../src/promo-code-request.ts';
import { type Call, fakeApi, renderApp } from './harness.tsx';

const fields = (over: Partial<PromoCodeFields> = {}): PromoCodeFields => ({
  code: 'spring25',
  kind: 'PERCENT',
  off: '25',
  maxRedemptions: '',
  perCustomer: '',
  validFrom: '',
  validUntil: '',
  minSubtotal: '',
  productIds: '',
  ...over,
});

describe('promoCodeRequestOf', () => {
  it('sends every field the service takes, money as cents and times as instants', () => {
    expect(
      promoCodeRequestOf(
        fields({
          maxRedemptions: '100',
          perCustomer: '1',
          validFrom: '2026-03-01T00:00Z',
          validUntil: '2030-06-01T00:00Z',
          minSubtotal: '20',
          productIds: 'p-1, p-2 p-1',
        }),
      ),
    ).toEqual({
      ok: true,
      body: {
        code: 'spring25',
        kind: 'PERCENT',
        percentOff: 25,
        maxRedemptions: 100,
        maxRedemptionsPerCustomer: 1,
        validFrom: '2026-03-01T00:00:00.000Z',
        validUntil: '2030-06-01T00:00:00.000Z',
        minSubtotalCents: 2000,
        productIds: ['p-1', 'p-2'],
      },
    });
  });

  it('leaves empty optional fields out', () => {
    expect(promoCodeRequestOf(fields({ kind: 'FIXED', off: '5' }))).toEqual({
      ok: true,
      body: { code: 'spring25', kind: 'FIXED', amountOffCents: 500 },
    });
  });

  it('names each field that is wrong', () => {
    const result = promoCodeRequestOf(
      fields({
        off: '0',
        perCustomer: '1.5',
        validFrom: '2030-01-01T00:00Z',
        validUntil: '2029-01-01T00:00Z',
        productIds: 'ok, not ok!',
      }),
    );
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : Object.keys(result.errors).sort()).toEqual([
      'off',
      'perCustomer',
      'productIds',
      'validUntil',
    ]);
  });
});

const code = (over: Partial<PromoCodeView> = {}): PromoCodeView => ({
  code: 'SPRING25',
  kind: 'PERCENT',
  percentOff: 25,
  maxRedemptions: 100,
  maxRedemptionsPerCustomer: 1,
  minSubtotalCents: 2000,
  productIds: ['p-1'],
  validFrom: '2026-03-01T00:00:00.000Z',
  validUntil: '2030-06-01T00:00:00.000Z',
  active: true,
  redemptions: 3,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

function promoApi(start: PromoCodeView) {
  let current = start;
  return fakeApi((call: Call) => {
    if (call.method === 'PATCH') {
      current = { ...current, ...(call.body as Partial<PromoCodeView>) };
      return { status: 200, body: current };
    }
    if (call.method === 'POST') return { status: 201, body: code({ code: 'NEW10' }) };
    return { status: 200, body: { items: [current], nextCursor: null } };
  });
}

describe('the promo codes page, as an admin', () => {
  it('shows every limit of a code', async () => {
    renderApp(<PromoCodesPage />, { role: 'admin', fetchImpl: promoApi(code()).fetchImpl });
    const row = (await screen.findByText('SPRING25')).closest('tr') as HTMLElement;
    const cells = within(row)
      .getAllByRole('cell')
      .map((cell) => cell.textContent);
    expect(cells.slice(0, 6)).toEqual([
      'SPRING25',
      '25% off',
      '3 of 100',
      '1 per customer, min $20.00, 1 product',
      'Mar 1, 2026 – Jun 1, 2030',
      'yes',
    ]);
  });

  it('deactivates only once confirmed, and reactivates', async () => {
    const api = promoApi(code());
    renderApp(<PromoCodesPage />, { role: 'admin', fetchImpl: api.fetchImpl });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Deactivate SPRING25' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('Customers can no longer use SPRING25 at checkout.');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(api.calls.filter((call) => call.method === 'PATCH')).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Deactivate SPRING25' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Deactivate' }));
    await user.click(await screen.findByRole('button', { name: 'Reactivate SPRING25' }));
    await screen.findByRole('button', { name: 'Deactivate SPRING25' });
    expect(api.calls.filter((call) => call.method === 'PATCH').map((call) => call.body)).toEqual([
      { active: false },
      { active: true },
    ]);
  });

  it('never shows an old success beside a new error', async () => {
    renderApp(<PromoCodesPage />, { role: 'admin', fetchImpl: promoApi(code()).fetchImpl });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Code'), 'new10');
    await user.type(screen.getByLabelText('Percent off'), '10');
    await user.click(screen.getByRole('button', { name: 'Create promo code' }));
    expect(await screen.findByText('Created NEW10.')).toBeTruthy();
    await user.clear(screen.getByLabelText('Per customer'));
    await user.type(screen.getByLabelText('Per customer'), 'two');
    await user.click(screen.getByRole('button', { name: 'Create promo code' }));
    await waitFor(() => expect(screen.getByText('A whole number from 1 to 1,000,000,000.')).toBeTruthy());
    expect(screen.queryByText('Created NEW10.')).toBeNull();
  });
});

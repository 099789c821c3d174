import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Credit, CreditLot } from '../src/api-types.ts';
import { CreditLots, expiringSoon, inSpendingOrder } from '../src/credit-lots.tsx';
import { fakeApi, renderApp } from './harness.tsx';

// The tests read times in UTC (vite.config.ts); the browser test reads them in New York.
const NOW = Date.parse('2026-12-04T10:00:00Z');
const DAY = 24 * 60 * 60 * 1000;

const lot = (fields: Partial<CreditLot> & Pick<CreditLot, 'lotId'>): CreditLot => ({
  category: 'PAID',
  grantedCents: 1000,
  remainingCents: 1000,
  heldCents: 0,
  grantedAt: '2026-11-01T00:00:00.000Z',
  transactionId: fields.lotId,
  ...fields,
});

const credit = (lots: CreditLot[], nextExpiry: Credit['nextExpiry'] = null): Credit => ({
  customerId: 'c1',
  currency: 'USD',
  balanceCents: 0,
  availableCents: 0,
  heldCents: 0,
  updatedAt: null,
  lots,
  nextExpiry,
});

const show = (value: Credit) =>
  renderApp(<CreditLots credit={value} now={NOW} />, {
    role: 'viewer',
    fetchImpl: fakeApi(() => ({ status: 500 })).fetchImpl,
  });

const rowsOf = (table: HTMLElement): string[][] =>
  within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) =>
      within(row)
        .getAllByRole('cell')
        .map((cell) => cell.textContent ?? ''),
    );

describe('the credit lots', () => {
  it('lists category, granted, remaining, held and expiry, soonest-expiring first and never-expiring last', () => {
    show(
      credit([
        lot({ lotId: 'never', grantedCents: 5000, remainingCents: 4000, heldCents: 1000 }),
        lot({ lotId: 'later', expiresAt: '2027-06-30T23:59:59.000Z' }),
        lot({
          lotId: 'sooner-paid',
          expiresAt: '2027-03-01T00:00:00.000Z',
          remainingCents: 700,
          heldCents: 300,
        }),
        lot({
          lotId: 'sooner-promo',
          category: 'PROMOTIONAL',
          expiresAt: '2027-03-01T00:00:00.000Z',
          grantedCents: 250,
          remainingCents: 250,
        }),
      ]),
    );
    expect(rowsOf(screen.getByRole('table'))).toEqual([
      ['Promotional', '$2.50', '$2.50', '$0.00', 'Mar 1, 2027, 12:00 AM UTC'],
      ['Paid', '$10.00', '$7.00', '$3.00', 'Mar 1, 2027, 12:00 AM UTC'],
      ['Paid', '$10.00', '$10.00', '$0.00', 'Jun 30, 2027, 11:59 PM UTC'],
      ['Paid', '$50.00', '$40.00', '$10.00', 'Never'],
    ]);
  });

  it('flags the credit that expires within 30 days, with its amount and date', () => {
    show(
      credit(
        [
          lot({
            lotId: 'a',
            category: 'PROMOTIONAL',
            expiresAt: '2026-12-10T23:59:59.000Z',
            remainingCents: 1250,
          }),
          lot({ lotId: 'b', expiresAt: '2027-01-03T10:00:00.000Z', remainingCents: 500, heldCents: 200 }),
          lot({ lotId: 'c', expiresAt: '2027-01-03T10:00:01.000Z', remainingCents: 9900 }),
        ],
        { amountCents: 1250, expiresAt: '2026-12-10T23:59:59.000Z' },
      ),
    );
    const flag = screen.getByRole('note', { name: 'Credit expiring soon' });
    expect(flag.textContent).toContain('$17.50 expires within 30 days');
    expect(
      within(flag)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual([
      '$12.50 promotional credit on Dec 10, 2026, 11:59 PM UTC',
      '$5.00 paid credit on Jan 3, 2027, 10:00 AM UTC',
    ]);
    const rows = rowsOf(screen.getByRole('table'));
    expect(rows.map((row) => row[4]?.includes('within 30 days'))).toEqual([true, true, false]);
    expect(screen.getByTestId('next-expiry').textContent).toBe(
      'Next to expire: $12.50 on Dec 10, 2026, 11:59 PM UTC.',
    );
  });

  it('flags nothing when no spendable credit lapses within 30 days', () => {
    show(
      credit(
        [
          lot({ lotId: 'spent', expiresAt: '2026-12-10T00:00:00.000Z', remainingCents: 0, heldCents: 800 }),
          lot({ lotId: 'far', expiresAt: '2027-02-01T00:00:00.000Z' }),
          lot({ lotId: 'never' }),
        ],
        { amountCents: 1000, expiresAt: '2027-02-01T00:00:00.000Z' },
      ),
    );
    expect(screen.queryByRole('note', { name: 'Credit expiring soon' })).toBeNull();
    expect(screen.getByTestId('next-expiry').textContent).toBe(
      'Next to expire: $10.00 on Feb 1, 2027, 12:00 AM UTC.',
    );
  });

  it('says when no credit is set to expire, and when there are no open lots', () => {
    show(credit([], null));
    expect(screen.getByTestId('next-expiry').textContent).toBe('No credit is set to expire.');
    expect(screen.getByText('No open lots.')).toBeTruthy();
  });
});

describe('the spending order and the 30-day window', () => {
  it('orders by expiry, then promotional before paid, then the oldest', () => {
    const ordered = inSpendingOrder([
      lot({ lotId: 'paid-new', expiresAt: '2027-01-01T00:00:00Z', grantedAt: '2026-11-02T00:00:00Z' }),
      lot({ lotId: 'never' }),
      lot({ lotId: 'paid-old', expiresAt: '2027-01-01T00:00:00Z', grantedAt: '2026-11-01T00:00:00Z' }),
      lot({ lotId: 'promo', category: 'PROMOTIONAL', expiresAt: '2027-01-01T00:00:00.000Z' }),
    ]);
    expect(ordered.map((entry) => entry.lotId)).toEqual(['promo', 'paid-old', 'paid-new', 'never']);
  });

  it('counts a lot lapsing exactly 30 days from now, not one already past or a moment later', () => {
    const at = (ms: number) => new Date(ms).toISOString();
    const soon = expiringSoon(
      [
        lot({ lotId: 'edge', expiresAt: at(NOW + 30 * DAY) }),
        lot({ lotId: 'after', expiresAt: at(NOW + 30 * DAY + 1) }),
        lot({ lotId: 'past', expiresAt: at(NOW - 1) }),
      ],
      NOW,
    );
    expect(soon.map((entry) => entry.lotId)).toEqual(['edge']);
  });
});

import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import CustomerPage from '../src/pages/customer.tsx';
import { type Answer, type Call, fakeApi, renderApp } from './harness.tsx';

const lots = [
  {
    lotId: '01JPROMO0000000000000000AA',
    category: 'PROMOTIONAL',
    grantedCents: 1000,
    remainingCents: 400,
    heldCents: 0,
    expiresAt: '2026-12-20T23:59:59.000Z',
    grantedAt: '2026-11-20T09:00:00.000Z',
    transactionId: '01JPROMO0000000000000000AA',
  },
  {
    lotId: '01JPAID00000000000000000BB',
    category: 'PAID',
    grantedCents: 5000,
    remainingCents: 4100,
    heldCents: 0,
    grantedAt: '2026-11-01T09:00:00.000Z',
    transactionId: '01JPAID00000000000000000BB',
  },
];

const customer = (credit: object) => ({
  id: 'c1',
  name: 'Jane Smith',
  email: 'jane@example.com',
  shippingAddress: { street: '1 Main St' },
  billingAddress: {},
  lastModifiedAt: '2026-01-01T00:00:00Z',
  credit: {
    customerId: 'c1',
    currency: 'USD',
    balanceCents: 4500,
    availableCents: 4500,
    heldCents: 0,
    ...credit,
  },
});

const entry = (fields: object) => ({
  customerId: 'c1',
  balanceAfterCents: 4500,
  availableAfterCents: 4500,
  createdAt: '2026-12-03T12:00:00.000Z',
  ...fields,
});

const history = [
  entry({
    id: 't4',
    type: 'EXPIRY',
    amountCents: -300,
    reason: 'expired',
    actor: 'system:expiry',
    lots: [{ lotId: '01JGONE000000000000000000CC', amountCents: 300 }],
  }),
  entry({
    id: 't3r',
    type: 'REFUND',
    amountCents: 200,
    reason: 'damaged box',
    actor: 'demo-support',
    lots: [{ lotId: '01JPAID00000000000000000BB', amountCents: 200 }],
  }),
  entry({
    id: 't3',
    type: 'DEDUCTION',
    amountCents: -1500,
    reason: 'correction',
    actor: 'demo-support',
    lots: [
      { lotId: '01JPROMO0000000000000000AA', amountCents: 600 },
      { lotId: '01JPAID00000000000000000BB', amountCents: 900 },
    ],
  }),
  entry({ id: 't1', type: 'GRANT', amountCents: 5000, reason: 'before lots', actor: 'demo-support' }),
];

function renderPage(credit: object, items: object[] = history) {
  const respond = (call: Call): Answer =>
    call.path === '/v1/customers/c1'
      ? { status: 200, body: customer(credit) }
      : call.path.startsWith('/v1/customers/c1/credit/transactions')
        ? { status: 200, body: { items, nextCursor: null } }
        : { status: 200, body: { items: [], nextCursor: null } };
  return renderApp(<CustomerPage />, {
    role: 'viewer',
    fetchImpl: fakeApi(respond).fetchImpl,
    path: '/customers/c1',
    route: '/customers/:customerId',
  });
}

async function historyRows(): Promise<HTMLElement[]> {
  const table = (await screen.findByText('Credit history', { selector: 'caption' })).closest('table');
  if (!table) throw new Error('no history table');
  return within(table).getAllByRole('row').slice(1);
}

describe('the customer page, with lots', () => {
  it('shows the lots table and the next expiry beside the balance', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-04T10:00:00Z'));
    try {
      renderPage({ lots, nextExpiry: { amountCents: 400, expiresAt: '2026-12-20T23:59:59.000Z' } });
      const section = await screen.findByRole('region', { name: 'Credit lots' });
      expect(within(section).getAllByRole('row')).toHaveLength(3);
      expect(within(section).getByTestId('next-expiry').textContent).toBe(
        'Next to expire: $4.00 on Dec 20, 2026, 11:59 PM UTC.',
      );
      expect(within(section).getByRole('note', { name: 'Credit expiring soon' }).textContent).toContain(
        '$4.00 expires within 30 days',
      );
    } finally {
      vi.useRealTimers();
    }
  });

  it("shows each history entry's lots, named by category and expiry while the lot is open", async () => {
    renderPage({ lots, nextExpiry: null });
    const [, refund, deduction, grant] = await historyRows();
    expect(within(refund as HTMLElement).getByRole('list', { name: 'Lots' }).textContent).toBe(
      '$2.00 to Paid, never expires',
    );
    const parts = within(deduction as HTMLElement).getByRole('list', { name: 'Lots' });
    expect(
      within(parts)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual([
      '$6.00 from Promotional, expires Dec 20, 2026, 11:59 PM UTC',
      '$9.00 from Paid, never expires',
    ]);
    // An entry written before lots has no breakdown, and says nothing about one.
    expect(within(grant as HTMLElement).queryByRole('list', { name: 'Lots' })).toBeNull();
  });

  it('tells an expiry in plain words, and names a lot that is no longer open by its id', async () => {
    renderPage({ lots, nextExpiry: null });
    const [expiry] = await historyRows();
    const cells = within(expiry as HTMLElement)
      .getAllByRole('cell')
      .map((cell) => cell.textContent);
    expect(cells.slice(1)).toEqual([
      'Expired',
      '-$3.00',
      '$45.00',
      '$3.00 from lot 01JGONE000…',
      'Unused credit reached its expiry date',
      'Automatic expiry',
    ]);
    expect(screen.queryByText('system:expiry')).toBeNull();
  });
});

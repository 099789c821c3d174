import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../functions/auth/roles.ts';
import CustomerPage from '../src/pages/customer.tsx';
import { type Answer, type Call, errorBody, fakeApi, renderApp } from './harness.tsx';

const customer = {
  id: 'c1',
  name: 'Jane Smith',
  email: 'jane@example.com',
  shippingAddress: { street: '1 Main St', city: 'Springfield' },
  billingAddress: {},
  lastModifiedAt: '2026-01-01T00:00:00Z',
  credit: {
    customerId: 'c1',
    currency: 'USD',
    balanceCents: 25000,
    availableCents: 25000,
    heldCents: 0,
    lots: [],
    nextExpiry: null,
  },
};
const answer = (call: Call): Answer =>
  call.path === '/v1/customers/c1'
    ? { status: 200, body: customer }
    : call.path.startsWith('/v1/customers/c1/credit/transactions')
      ? { status: 200, body: { items: [], nextCursor: null } }
      : { status: 200, body: { items: [], nextCursor: null } };

const renderAs = (role: Role, respond: (call: Call) => Answer = answer) =>
  renderApp(<CustomerPage />, {
    role,
    fetchImpl: fakeApi(respond).fetchImpl,
    path: '/customers/c1',
    route: '/customers/:customerId',
  });

describe('the customer page', () => {
  it('shows support the credit forms', async () => {
    renderAs('support');
    expect(await screen.findByRole('heading', { name: 'Jane Smith' })).toBeTruthy();
    expect(screen.getByTestId('balance').textContent).toBe('$250.00');
    expect(screen.getByRole('button', { name: 'Grant credit' })).toBeTruthy();
    expect(await screen.findByText('No credit history yet.')).toBeTruthy();
  });

  it("is titled with the customer's name, so that tabs can be told apart", async () => {
    renderAs('viewer');
    await screen.findByRole('heading', { name: 'Jane Smith' });
    expect(document.title).toBe('Jane Smith · Customer');
  });

  it('shows a viewer no button that the service would refuse', async () => {
    renderAs('viewer');
    expect(await screen.findByRole('heading', { name: 'Jane Smith' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Grant credit' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Deduct credit' })).toBeNull();
  });

  it('says when the customer does not exist', async () => {
    renderAs('viewer', () => ({
      status: 404,
      body: errorBody('CUSTOMER_NOT_FOUND', 'No customer has this id.'),
    }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('No customer has this id.');
  });
});

describe('an expired session', () => {
  it('offers to sign in again', async () => {
    renderAs('support', () => ({
      status: 401,
      body: errorBody('UNAUTHENTICATED', 'The token has expired.'),
    }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The token has expired.');
    expect(screen.getByRole('button', { name: 'Sign in again' })).toBeTruthy();
  });
});

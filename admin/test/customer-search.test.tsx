import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes, useParams } from 'react-router';
import { describe, expect, it } from 'vitest';
import type { CustomerSearchHit } from '../src/api-types.ts';
import { CustomerSearch } from '../src/customer-search.tsx';
import { type Answer, type Call, fakeApi, renderApp } from './harness.tsx';

const hit = (id: string, name: string, over: Partial<CustomerSearchHit> = {}): CustomerSearchHit => ({
  id,
  name,
  email: `${id}@example.com`,
  matchedBy: 'NAME_OR_EMAIL',
  refreshedAt: '2026-12-04T10:00:00.000Z',
  ...over,
});

function Opened() {
  return <p>opened {useParams().customerId}</p>;
}

function renderSearch(answer: (call: Call) => Answer) {
  const api = fakeApi(answer);
  renderApp(
    <Routes>
      <Route path="/" element={<CustomerSearch />} />
      <Route path="/customers/:customerId" element={<Opened />} />
    </Routes>,
    { role: 'viewer', fetchImpl: api.fetchImpl },
  );
  return api;
}

async function find(term: string): Promise<void> {
  await userEvent.type(screen.getByLabelText('Name, email or id'), term);
  await userEvent.click(screen.getByRole('button', { name: 'Find customer' }));
}

describe('CustomerSearch', () => {
  it('lists every match with what it matched, and asks the search route for the term as typed', async () => {
    const api = renderSearch(() => ({
      status: 200,
      body: {
        items: [hit('c2', 'John Doe', { matchedBy: 'PURCHASE_ID' }), hit('c1', 'Jöhn Smith')],
        nextCursor: null,
      },
    }));

    await find('John D');

    const results = await screen.findByRole('region', { name: 'Search results' });
    const rows = within(results).getAllByRole('row').slice(1);
    expect(rows.map((row) => row.textContent)).toEqual([
      expect.stringContaining('John Doe'),
      expect.stringContaining('Jöhn Smith'),
    ]);
    expect(rows[0]?.textContent).toContain('Purchase id');
    expect(api.calls[0]?.path).toBe('/v1/search/customers?q=John+D&limit=20');
  });

  it('opens the only match', async () => {
    renderSearch(() => ({ status: 200, body: { items: [hit('c9', 'Ada')], nextCursor: null } }));

    await find('ada');

    expect(await screen.findByText('opened c9')).toBeTruthy();
  });

  it('opens an id it does not know as a customer id', async () => {
    renderSearch(() => ({ status: 200, body: { items: [], nextCursor: null } }));

    await find('cust-42');

    expect(await screen.findByText('opened cust-42')).toBeTruthy();
  });

  it('says when no customer matches a name', async () => {
    renderSearch(() => ({ status: 200, body: { items: [], nextCursor: null } }));

    await find('Nobody Here');

    expect(await screen.findByText(/No known customer matches “Nobody Here”/)).toBeTruthy();
  });

  it('shows the field details of a validation error', async () => {
    renderSearch(() => ({
      status: 400,
      body: {
        error: {
          code: 'VALIDATION_FAILED',
          message: 'The request is not valid; see details for each field',
          details: [{ path: 'query.q', message: 'Too big: expected string to have <=200 characters' }],
          requestId: 'req-1',
        },
      },
    }));

    await find('x');

    const details = await screen.findByRole('list', { name: 'Field details' });
    expect(details.textContent).toContain('query.q');
    expect(details.textContent).toContain('<=200 characters');
  });
});

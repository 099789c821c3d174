import { Button, TextField, Title } from '@clickhouse/click-ui';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { query } from '../api.ts';
import type { CustomerView, Page } from '../api-types.ts';
import { DataTable, ErrorMessage, Pager, QueryView, useCursor, usePageTitle } from '../components.tsx';
import { formatCents } from '../money.ts';
import { useSession } from '../session.tsx';

/** How far a search by email reads the list (the API has no email filter; the known customers are few). */
const EMAIL_SEARCH_PAGES = 10;

export default function CustomersPage() {
  const { api } = useSession();
  usePageTitle('Customers');
  const navigate = useNavigate();
  const pages = useCursor('customers');
  const list = useQuery({
    queryKey: ['customers', pages.cursor ?? ''],
    queryFn: () => api<Page<CustomerView>>(`/v1/customers${query({ limit: 20, cursor: pages.cursor })}`),
    placeholderData: keepPreviousData,
  });
  const [lookup, setLookup] = useState('');
  const [lookupError, setLookupError] = useState<unknown>();
  const [searching, setSearching] = useState(false);

  const onJump = async (event: FormEvent) => {
    event.preventDefault();
    const wanted = lookup.trim();
    setLookupError(undefined);
    if (wanted === '') return setLookupError(new Error('Enter a customer id or email.'));
    if (!wanted.includes('@')) return void navigate(`/customers/${encodeURIComponent(wanted)}`);
    setSearching(true);
    try {
      let cursor: string | undefined;
      for (let page = 0; page < EMAIL_SEARCH_PAGES; page += 1) {
        const answer = await api<Page<CustomerView>>(`/v1/customers${query({ limit: 100, cursor })}`);
        const found = answer.items.find((customer) => customer.email.toLowerCase() === wanted.toLowerCase());
        if (found) return void navigate(`/customers/${encodeURIComponent(found.id)}`);
        if (!answer.nextCursor) break;
        cursor = answer.nextCursor;
      }
      setLookupError(new Error(`No known customer has the email ${wanted}.`));
    } catch (error) {
      setLookupError(error);
    } finally {
      setSearching(false);
    }
  };

  return (
    <section aria-labelledby="customers-title">
      <Title type="h1" size="lg" id="customers-title">
        Customers
      </Title>
      <form onSubmit={onJump} className="inline-form" aria-label="Find a customer">
        <TextField
          id="customer-lookup"
          label="Customer id or email"
          value={lookup}
          onChange={setLookup}
          placeholder="550e8400-… or jane@example.com"
        />
        <Button htmlType="submit" label={searching ? 'Searching…' : 'Find customer'} disabled={searching} />
      </form>
      {lookupError !== undefined && <ErrorMessage error={lookupError} title="Customer not found" />}
      <QueryView query={list} what="customers">
        {(page) => (
          <>
            <DataTable
              caption="Known customers"
              headers={['Name', 'Email', 'Balance', 'Available', 'Held']}
              empty="No customers yet: a customer appears once they have credit or a purchase."
              rows={page.items.map((customer) => ({
                key: customer.id,
                cells: [
                  <Link key="name" to={`/customers/${encodeURIComponent(customer.id)}`}>
                    {customer.name}
                  </Link>,
                  customer.email,
                  formatCents(customer.credit.balanceCents),
                  formatCents(customer.credit.availableCents),
                  formatCents(customer.credit.heldCents),
                ],
              }))}
            />
            <Pager
              label="Customers"
              page={pages.page}
              nextCursor={page.nextCursor}
              onNext={pages.next}
              onPrevious={pages.previous}
            />
          </>
        )}
      </QueryView>
    </section>
  );
}

import { Button, TextField } from '@clickhouse/click-ui';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { query } from './api.ts';
import type { CustomerSearchHit, CustomerSearchMatch, Page } from './api-types.ts';
import { DataTable, ErrorMessage, Pager, When } from './components.tsx';
import { useSession } from './session.tsx';

const MATCHED_BY: Record<CustomerSearchMatch, string> = {
  CUSTOMER_ID: 'Customer id',
  PURCHASE_ID: 'Purchase id',
  SHIPMENT_ID: 'Shipment id',
  NAME_OR_EMAIL: 'Name or email',
};

/** What could be an id: the service's id shape, no spaces. */
const ID_SHAPE = /^[A-Za-z0-9_-]{1,128}$/;

const customerPath = (id: string): string => `/customers/${encodeURIComponent(id)}`;

/**
 * Finds a customer by a name or email (any part, any case, accents ignored) or by a customer,
 * purchase or shipment id (GET /v1/search/customers). One match opens it; several are listed. An id
 * the search does not know is opened as a customer id, so a customer the service has never read can
 * still be reached.
 */
export function CustomerSearch() {
  const { api } = useSession();
  const navigate = useNavigate();
  const [term, setTerm] = useState('');
  const [searched, setSearched] = useState<{ term: string; cursors: (string | undefined)[] }>();
  const [result, setResult] = useState<Page<CustomerSearchHit>>();
  const [error, setError] = useState<unknown>();
  const [searching, setSearching] = useState(false);

  const run = async (wanted: string, cursors: (string | undefined)[]) => {
    setError(undefined);
    setSearching(true);
    try {
      const page = await api<Page<CustomerSearchHit>>(
        `/v1/search/customers${query({ q: wanted, limit: 20, cursor: cursors.at(-1) })}`,
      );
      const first = cursors.length === 1;
      const only = page.items[0];
      if (first && page.items.length === 1 && !page.nextCursor && only)
        return void navigate(customerPath(only.id));
      if (first && page.items.length === 0 && ID_SHAPE.test(wanted))
        return void navigate(customerPath(wanted));
      setSearched({ term: wanted, cursors });
      setResult(page);
    } catch (caught) {
      setResult(undefined);
      setError(caught);
    } finally {
      setSearching(false);
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const wanted = term.trim();
    if (wanted === '')
      return setError(new Error('Enter a name, an email, or a customer, purchase or shipment id.'));
    void run(wanted, [undefined]);
  };

  return (
    <>
      <form onSubmit={onSubmit} className="inline-form" aria-label="Find a customer">
        <TextField
          id="customer-lookup"
          label="Name, email or id"
          value={term}
          onChange={setTerm}
          placeholder="Jane, jane@example.com, a purchase or shipment id"
        />
        <Button htmlType="submit" label={searching ? 'Searching…' : 'Find customer'} disabled={searching} />
      </form>
      {error !== undefined && <ErrorMessage error={error} title="Search failed" />}
      {result && searched && (
        <section aria-label="Search results">
          <DataTable
            caption={`Customers matching ${searched.term}`}
            headers={['Name', 'Email', 'Matched by', 'Details as of']}
            empty={`No known customer matches “${searched.term}”. A customer is found by name once the service has read them (their page or the customer list).`}
            rows={result.items.map((hit) => ({
              key: hit.id,
              cells: [
                <Link key="name" to={customerPath(hit.id)}>
                  {hit.name ?? hit.id}
                </Link>,
                hit.email ?? '',
                MATCHED_BY[hit.matchedBy],
                hit.refreshedAt ? <When key="when" iso={hit.refreshedAt} /> : 'not read yet',
              ],
            }))}
          />
          <Pager
            label="Search results"
            page={searched.cursors.length}
            nextCursor={result.nextCursor}
            onNext={(cursor) => void run(searched.term, [...searched.cursors, cursor])}
            onPrevious={() => void run(searched.term, searched.cursors.slice(0, -1))}
          />
        </section>
      )}
    </>
  );
}

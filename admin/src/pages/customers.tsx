import { Title } from '@clickhouse/click-ui';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { query } from '../api.ts';
import type { CustomerView, Page } from '../api-types.ts';
import { DataTable, Pager, QueryView, useCursor, usePageTitle } from '../components.tsx';
import { CustomerSearch } from '../customer-search.tsx';
import { formatCents } from '../money.ts';
import { useSession } from '../session.tsx';

export default function CustomersPage() {
  const { api } = useSession();
  usePageTitle('Customers');
  const pages = useCursor('customers');
  const list = useQuery({
    queryKey: ['customers', pages.cursor ?? ''],
    queryFn: () => api<Page<CustomerView>>(`/v1/customers${query({ limit: 20, cursor: pages.cursor })}`),
    placeholderData: keepPreviousData,
  });
  return (
    <section aria-labelledby="customers-title">
      <Title type="h1" size="lg" id="customers-title">
        Customers
      </Title>
      <CustomerSearch />
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

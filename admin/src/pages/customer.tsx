import { Title } from '@clickhouse/click-ui';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { query } from '../api.ts';
import type { CreditTransaction, CustomerView, Page, Purchase } from '../api-types.ts';
import { DataTable, Pager, QueryView, useCursor, usePageTitle, When } from '../components.tsx';
import { EntryLots, entryWords } from '../credit-entry.tsx';
import { CreditForm } from '../credit-form.tsx';
import { CreditLots } from '../credit-lots.tsx';
import { formatCents, formatSignedCents } from '../money.ts';
import { useSession } from '../session.tsx';

export default function CustomerPage() {
  const { customerId = '' } = useParams();
  const { api, may } = useSession();
  const path = `/v1/customers/${encodeURIComponent(customerId)}`;
  const customer = useQuery({
    queryKey: ['customer', customerId, 'view'],
    queryFn: () => api<CustomerView>(path),
  });
  usePageTitle(customer.data ? `${customer.data.name} · Customer` : 'Customer');
  const history = useCursor(`history-${customerId}`);
  const transactions = useQuery({
    queryKey: ['customer', customerId, 'transactions', history.cursor ?? ''],
    queryFn: () =>
      api<Page<CreditTransaction>>(
        `${path}/credit/transactions${query({ limit: 10, cursor: history.cursor })}`,
      ),
    placeholderData: keepPreviousData,
  });
  const purchasePages = useCursor(`purchases-${customerId}`);
  const purchases = useQuery({
    queryKey: ['purchases', 'customer', customerId, purchasePages.cursor ?? ''],
    queryFn: () =>
      api<Page<Purchase>>(`/v1/purchases${query({ customerId, limit: 10, cursor: purchasePages.cursor })}`),
    placeholderData: keepPreviousData,
  });

  return (
    <QueryView query={customer} what="the customer">
      {(view) => (
        <section aria-labelledby="customer-title">
          <Title type="h1" size="lg" id="customer-title">
            {view.name}
          </Title>
          <dl className="facts">
            <dt>Customer id</dt>
            <dd>{view.id}</dd>
            <dt>Email</dt>
            <dd>{view.email}</dd>
            <dt>Shipping address</dt>
            <dd>{Object.values(view.shippingAddress).filter(Boolean).join(', ')}</dd>
          </dl>
          <section aria-labelledby="credit-title">
            <Title type="h2" size="md" id="credit-title">
              Credit
            </Title>
            <dl className="facts credit" data-testid="credit">
              <dt>Balance</dt>
              <dd data-testid="balance">{formatCents(view.credit.balanceCents)}</dd>
              <dt>Available</dt>
              <dd>{formatCents(view.credit.availableCents)}</dd>
              <dt>Held</dt>
              <dd>{formatCents(view.credit.heldCents)}</dd>
            </dl>
            <Link to={`/audit?entityType=CREDIT&entityId=${encodeURIComponent(view.id)}`}>
              Audit trail of the credit
            </Link>
            <CreditLots credit={view.credit} />
          </section>
          {may('manage-credit') && (
            <div className="forms">
              <CreditForm customerId={view.id} kind="grant" />
              <CreditForm customerId={view.id} kind="deduct" />
            </div>
          )}
          <section aria-labelledby="history-title">
            <Title type="h2" size="md" id="history-title">
              Credit history
            </Title>
            <QueryView query={transactions} what="the credit history">
              {(page) => (
                <>
                  <DataTable
                    caption="Credit history"
                    headers={['When', 'Type', 'Amount', 'Balance after', 'Lots', 'Reason', 'Actor']}
                    empty="No credit history yet."
                    rows={page.items.map((transaction) => ({
                      key: transaction.id,
                      cells: [
                        <When key="when" iso={transaction.createdAt} />,
                        entryWords(transaction).type,
                        formatSignedCents(transaction.amountCents),
                        formatCents(transaction.balanceAfterCents),
                        <EntryLots key="lots" transaction={transaction} openLots={view.credit.lots} />,
                        transaction.purchaseId ? (
                          <Link key="r" to={`/purchases/${encodeURIComponent(transaction.purchaseId)}`}>
                            {transaction.reason}
                          </Link>
                        ) : (
                          entryWords(transaction).reason
                        ),
                        entryWords(transaction).actor,
                      ],
                    }))}
                  />
                  <Pager
                    label="Credit history"
                    page={history.page}
                    nextCursor={page.nextCursor}
                    onNext={history.next}
                    onPrevious={history.previous}
                  />
                </>
              )}
            </QueryView>
          </section>
          <section aria-labelledby="customer-purchases-title">
            <Title type="h2" size="md" id="customer-purchases-title">
              Purchases
            </Title>
            <QueryView query={purchases} what="the purchases">
              {(page) => (
                <>
                  <PurchaseTable purchases={page.items} />
                  <Pager
                    label="Purchases"
                    page={purchasePages.page}
                    nextCursor={page.nextCursor}
                    onNext={purchasePages.next}
                    onPrevious={purchasePages.previous}
                  />
                </>
              )}
            </QueryView>
          </section>
        </section>
      )}
    </QueryView>
  );
}

export function PurchaseTable({ purchases }: { purchases: Purchase[] }) {
  return (
    <DataTable
      caption="Purchases"
      headers={['When', 'Product', 'Customer', 'Qty', 'Total', 'Refundable', 'Status']}
      empty="No purchases."
      rows={purchases.map((purchase) => ({
        key: purchase.id,
        cells: [
          <Link key="when" to={`/purchases/${encodeURIComponent(purchase.id)}`}>
            <When iso={purchase.createdAt} />
          </Link>,
          <Link key="product" to={`/purchases?productId=${encodeURIComponent(purchase.productId)}`}>
            {purchase.product.name}
          </Link>,
          <Link key="customer" to={`/customers/${encodeURIComponent(purchase.customerId)}`}>
            {purchase.customer.name}
          </Link>,
          purchase.quantity,
          formatCents(purchase.totalCents),
          formatCents(purchase.refundableCents),
          purchase.status,
        ],
      }))}
    />
  );
}

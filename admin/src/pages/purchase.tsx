import { Title } from '@clickhouse/click-ui';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import type { Purchase } from '../api-types.ts';
import { DataTable, QueryView, usePageTitle, When } from '../components.tsx';
import { formatCents } from '../money.ts';
import { RefundForm } from '../refund-form.tsx';
import { useSession } from '../session.tsx';

/** The first ten characters of a ULID are its time: enough to tell tabs apart. */
const shortId = (id: string): string => (id.length > 12 ? `${id.slice(0, 10)}…` : id);

export default function PurchasePage() {
  const { purchaseId = '' } = useParams();
  const { api, may } = useSession();
  const purchase = useQuery({
    queryKey: ['purchase', purchaseId],
    queryFn: () => api<Purchase>(`/v1/purchases/${encodeURIComponent(purchaseId)}`),
  });
  usePageTitle(
    purchase.data ? `Purchase ${shortId(purchase.data.id)} · ${purchase.data.customer.name}` : 'Purchase',
  );
  return (
    <QueryView query={purchase} what="the purchase">
      {(bought) => (
        <section aria-labelledby="purchase-title">
          <Title type="h1" size="lg" id="purchase-title">
            Purchase of {bought.quantity} × {bought.product.name}
          </Title>
          <div className="columns">
            <dl className="facts" data-testid="purchase-money">
              <dt>Status</dt>
              <dd>{bought.status}</dd>
              <dt>Unit price</dt>
              <dd>{formatCents(bought.unitPriceCents)}</dd>
              <dt>Subtotal</dt>
              <dd>{formatCents(bought.subtotalCents)}</dd>
              <dt>Discount</dt>
              <dd>
                {formatCents(bought.discountCents)}
                {bought.promoCode ? ` (${bought.promoCode})` : ''}
              </dd>
              <dt>Total</dt>
              <dd>{formatCents(bought.totalCents)}</dd>
              <dt>Refunded</dt>
              <dd data-testid="refunded">{formatCents(bought.refundedCents)}</dd>
              <dt>Refundable</dt>
              <dd data-testid="refundable">{formatCents(bought.refundableCents)}</dd>
              <dt>Shipment</dt>
              <dd>{bought.shipmentId}</dd>
              <dt>Bought</dt>
              <dd>
                <When iso={bought.createdAt} />
              </dd>
            </dl>
            <dl className="facts">
              <dt>Product (as bought)</dt>
              <dd>
                {bought.product.name} ({bought.product.sku}), {formatCents(bought.product.priceCents)}
                <br />
                {bought.product.description}
              </dd>
              <dt>Customer (as bought)</dt>
              <dd>
                <Link to={`/customers/${encodeURIComponent(bought.customerId)}`}>{bought.customer.name}</Link>
                , {bought.customer.email}
                <br />
                {Object.values(bought.customer.shippingAddress).filter(Boolean).join(', ')}
              </dd>
              <dt>Audit</dt>
              <dd>
                <Link to={`/audit?entityType=PURCHASE&entityId=${encodeURIComponent(bought.id)}`}>
                  Audit trail of the purchase
                </Link>
              </dd>
            </dl>
          </div>
          {may('refund') && bought.refundableCents > 0 && <RefundForm purchase={bought} />}
          <section aria-labelledby="refunds-title">
            <Title type="h2" size="md" id="refunds-title">
              Refunds
            </Title>
            <DataTable
              caption="Refunds"
              headers={['When', 'Amount', 'Units', 'Reason', 'Actor', 'Audit']}
              empty="No refunds."
              rows={(bought.refunds ?? []).map((refund) => ({
                key: refund.id,
                cells: [
                  <When key="when" iso={refund.createdAt} />,
                  formatCents(refund.amountCents),
                  refund.quantity ?? '—',
                  refund.reason,
                  refund.actor,
                  <Link key="audit" to={`/audit?entityType=REFUND&entityId=${encodeURIComponent(refund.id)}`}>
                    Audit trail
                  </Link>,
                ],
              }))}
            />
          </section>
        </section>
      )}
    </QueryView>
  );
}

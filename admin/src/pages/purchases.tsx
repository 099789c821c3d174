import { Button, TextField, Title } from '@clickhouse/click-ui';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useSearchParams } from 'react-router';
import { query } from '../api.ts';
import type { Page, Purchase } from '../api-types.ts';
import { Pager, QueryView, useCursor, usePageTitle } from '../components.tsx';
import { useSession } from '../session.tsx';
import { PurchaseTable } from './customer.tsx';

/** Every purchase, newest first, or one product's. */
export default function PurchasesPage() {
  const { api } = useSession();
  const [params, setParams] = useSearchParams();
  const productId = params.get('productId') ?? undefined;
  const [productInput, setProductInput] = useState(productId ?? '');
  usePageTitle(productId ? `Purchases of product ${productId}` : 'Purchases');
  const pages = useCursor(`purchases-${productId ?? ''}`);
  const list = useQuery({
    queryKey: ['purchases', 'all', productId ?? '', pages.cursor ?? ''],
    queryFn: () =>
      api<Page<Purchase>>(`/v1/purchases${query({ productId, limit: 20, cursor: pages.cursor })}`),
    placeholderData: keepPreviousData,
  });
  const onFilter = (event: FormEvent) => {
    event.preventDefault();
    const wanted = productInput.trim();
    setParams(wanted ? { productId: wanted } : {});
  };
  return (
    <section aria-labelledby="purchases-title">
      <Title type="h1" size="lg" id="purchases-title">
        {productId ? 'Purchases of one product' : 'Purchases'}
      </Title>
      <form onSubmit={onFilter} className="inline-form" aria-label="Filter by product">
        <TextField id="product-filter" label="Product id" value={productInput} onChange={setProductInput} />
        <Button htmlType="submit" type="secondary" label="Show this product's purchases" />
        {productId && (
          <Button
            type="empty"
            label="All purchases"
            onClick={() => {
              setProductInput('');
              setParams({});
            }}
          />
        )}
      </form>
      <QueryView query={list} what="purchases">
        {(page) => (
          <>
            <PurchaseTable purchases={page.items} />
            <Pager
              label="Purchases"
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

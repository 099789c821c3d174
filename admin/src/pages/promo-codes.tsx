import { Button, ConfirmationDialog, Title } from '@clickhouse/click-ui';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { query } from '../api.ts';
import type { Page, PromoCodeView } from '../api-types.ts';
import { DataTable, ErrorMessage, Pager, QueryView, useCursor, usePageTitle } from '../components.tsx';
import { CreatePromoCodeForm } from '../promo-code-form.tsx';
import { discountOf, limitsOf, validityOf } from '../promo-code-request.ts';
import { useSession } from '../session.tsx';

export default function PromoCodesPage() {
  const { api, may } = useSession();
  usePageTitle('Promo codes');
  const queryClient = useQueryClient();
  const pages = useCursor('promo-codes');
  const list = useQuery({
    queryKey: ['promo-codes', pages.cursor ?? ''],
    queryFn: () => api<Page<PromoCodeView>>(`/v1/promo-codes${query({ limit: 20, cursor: pages.cursor })}`),
    placeholderData: keepPreviousData,
  });
  // Deactivating is asked about first (customers lose the code at once); reactivating is not.
  const [deactivating, setDeactivating] = useState<string>();
  const setActive = useMutation({
    mutationFn: ({ code, active }: { code: string; active: boolean }) =>
      api<PromoCodeView>(`/v1/promo-codes/${encodeURIComponent(code)}`, {
        method: 'PATCH',
        body: { active },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['promo-codes'] }),
  });
  const admin = may('manage-promo-codes');
  return (
    <section aria-labelledby="promo-title">
      <Title type="h1" size="lg" id="promo-title">
        Promo codes
      </Title>
      {admin && <CreatePromoCodeForm />}
      {setActive.isError && (
        <ErrorMessage
          error={setActive.error}
          title={`Could not ${setActive.variables.active ? 'reactivate' : 'deactivate'} ${setActive.variables.code}`}
        />
      )}
      <ConfirmationDialog
        open={deactivating !== undefined}
        title={`Deactivate ${deactivating ?? ''}?`}
        message={`Customers can no longer use ${deactivating ?? ''} at checkout. You can reactivate it later.`}
        primaryActionLabel="Deactivate"
        primaryActionType="danger"
        onCancel={() => setDeactivating(undefined)}
        onConfirm={() => {
          if (deactivating) setActive.mutate({ code: deactivating, active: false });
          setDeactivating(undefined);
        }}
      />
      <QueryView query={list} what="promo codes">
        {(page) => (
          <>
            <DataTable
              caption="Promo codes"
              headers={[
                'Code',
                'Discount',
                'Redemptions',
                'Limits',
                'Valid',
                'Active',
                'Audit',
                ...(admin ? ['Action'] : []),
              ]}
              empty="No promo codes yet."
              rows={page.items.map((code) => ({
                key: code.code,
                cells: [
                  code.code,
                  discountOf(code),
                  `${code.redemptions}${code.maxRedemptions ? ` of ${code.maxRedemptions}` : ''}`,
                  limitsOf(code),
                  validityOf(code),
                  code.active ? 'yes' : 'no',
                  <Link
                    key="audit"
                    to={`/audit?entityType=PROMO_CODE&entityId=${encodeURIComponent(code.code)}`}
                  >
                    Audit trail
                  </Link>,
                  ...(admin
                    ? [
                        <Button
                          key="action"
                          type="secondary"
                          label={code.active ? 'Deactivate' : 'Reactivate'}
                          aria-label={`${code.active ? 'Deactivate' : 'Reactivate'} ${code.code}`}
                          disabled={setActive.isPending}
                          onClick={() =>
                            code.active
                              ? setDeactivating(code.code)
                              : setActive.mutate({ code: code.code, active: true })
                          }
                        />,
                      ]
                    : []),
                ],
              }))}
            />
            <Pager
              label="Promo codes"
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

import { Alert, Button, TextField, Title } from '@clickhouse/click-ui';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { query } from '../api.ts';
import type { Page, PromoCodeView } from '../api-types.ts';
import { DataTable, ErrorMessage, Pager, QueryView, useCursor, usePageTitle } from '../components.tsx';
import { formatCents, parseDollars } from '../money.ts';
import { useSession } from '../session.tsx';
import { useSubmission } from '../submission.ts';

const describe = (code: PromoCodeView): string =>
  code.kind === 'PERCENT' ? `${code.percentOff ?? 0}% off` : `${formatCents(code.amountOffCents ?? 0)} off`;

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
  const deactivate = useMutation({
    mutationFn: (code: string) =>
      api<PromoCodeView>(`/v1/promo-codes/${encodeURIComponent(code)}`, {
        method: 'PATCH',
        body: { active: false },
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
      {deactivate.isError && <ErrorMessage error={deactivate.error} title="Could not deactivate" />}
      <QueryView query={list} what="promo codes">
        {(page) => (
          <>
            <DataTable
              caption="Promo codes"
              headers={['Code', 'Discount', 'Redemptions', 'Active', 'Audit', ...(admin ? ['Action'] : [])]}
              empty="No promo codes yet."
              rows={page.items.map((code) => ({
                key: code.code,
                cells: [
                  code.code,
                  describe(code),
                  `${code.redemptions}${code.maxRedemptions ? ` of ${code.maxRedemptions}` : ''}`,
                  code.active ? 'yes' : 'no',
                  <Link
                    key="audit"
                    to={`/audit?entityType=PROMO_CODE&entityId=${encodeURIComponent(code.code)}`}
                  >
                    Audit trail
                  </Link>,
                  ...(admin
                    ? [
                        code.active ? (
                          <Button
                            key="off"
                            type="secondary"
                            label="Deactivate"
                            aria-label={`Deactivate ${code.code}`}
                            disabled={deactivate.isPending}
                            onClick={() => deactivate.mutate(code.code)}
                          />
                        ) : (
                          '—'
                        ),
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

type CreateBody = { code: string; kind: 'PERCENT' | 'FIXED'; percentOff?: number; amountOffCents?: number };

function CreatePromoCodeForm() {
  const { api } = useSession();
  const queryClient = useQueryClient();
  const [code, setCode] = useState('');
  const [kind, setKind] = useState<'PERCENT' | 'FIXED'>('PERCENT');
  const [off, setOff] = useState('');
  const [error, setError] = useState<string>();
  const submission = useSubmission(async (body: CreateBody, idempotencyKey: string) => {
    const created = await api<PromoCodeView>('/v1/promo-codes', { method: 'POST', body, idempotencyKey });
    await queryClient.invalidateQueries({ queryKey: ['promo-codes'] });
    return created;
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!/^[A-Za-z0-9_-]{3,32}$/.test(code.trim()))
      return setError('The code is 3 to 32 letters, digits, "_" or "-".');
    let body: CreateBody;
    if (kind === 'PERCENT') {
      const percent = Number(off.trim());
      if (!/^\d+$/.test(off.trim()) || percent < 1 || percent > 100)
        return setError('The percentage is a whole number from 1 to 100.');
      body = { code: code.trim(), kind, percentOff: percent };
    } else {
      const parsed = parseDollars(off);
      if (!parsed.ok) return setError(parsed.message);
      body = { code: code.trim(), kind, amountOffCents: parsed.cents };
    }
    setError(undefined);
    void submission.submit(body);
  };
  const { state } = submission;
  return (
    <form onSubmit={onSubmit} className="panel" aria-labelledby="create-promo-title" noValidate>
      <Title type="h2" size="sm" id="create-promo-title">
        Create a promo code
      </Title>
      <TextField id="promo-code" label="Code" value={code} onChange={setCode} />
      <div className="select">
        <label htmlFor="promo-kind">Kind</label>{' '}
        <select
          id="promo-kind"
          value={kind}
          onChange={(event) => setKind(event.target.value as 'PERCENT' | 'FIXED')}
        >
          <option value="PERCENT">Percent off</option>
          <option value="FIXED">Fixed amount off</option>
        </select>
      </div>
      <TextField
        id="promo-off"
        label={kind === 'PERCENT' ? 'Percent off' : 'Amount off (USD)'}
        value={off}
        onChange={setOff}
      />
      <Button htmlType="submit" label="Create promo code" disabled={state.status === 'pending'} />
      {error && (
        <div role="alert">
          <Alert state="danger" text={error} />
        </div>
      )}
      {state.status === 'done' && (
        <div role="status">
          <Alert state="success" text={`Created ${state.result.code}.`} />
        </div>
      )}
      {state.status === 'failed' && <ErrorMessage error={state.error} title="Could not create the code" />}
    </form>
  );
}

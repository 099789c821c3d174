import { Alert, Button, ConfirmationDialog, TextField, Title } from '@clickhouse/click-ui';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { CreditChangeResponse, GrantCreditRequest, LotCategory } from './api-types.ts';
import { ErrorMessage } from './components.tsx';
import { grantLotText } from './credit-lots.tsx';
import { expiryDayBounds, parseExpiryDay } from './grant-expiry.ts';
import { formatCents, parseDollars } from './money.ts';
import { ago, lastSent, type MoneyChange, rememberSent } from './recent-changes.ts';
import { useSession } from './session.tsx';
import { useSubmission } from './submission.ts';

type Kind = 'grant' | 'deduct';

const TEXT: Record<Kind, { title: string; button: string; done: string; again: string; path: string }> = {
  grant: { title: 'Grant credit', button: 'Grant credit', done: 'Granted', again: 'Grant', path: 'grants' },
  deduct: {
    title: 'Deduct credit',
    button: 'Deduct credit',
    done: 'Deducted',
    again: 'Deduct',
    path: 'deductions',
  },
};

/** The date picker's `min` and `max`: the days a grant may expire on. */
const expiryBounds = (now: Date): { min: string; max: string } => {
  const { first, last } = expiryDayBounds(now);
  return { min: first, max: last };
};

/** A deduction is `{ amountCents, reason }`; a grant may also name its lot's category and expiry. */
type Body = GrantCreditRequest;

/**
 * Grant or deduct: dollars typed, cents sent, a reason required, the server's answer shown in place.
 * A grant also takes its lot's category and an optional expiry day; both are sent only when they
 * differ from the service's default (PAID, never), so a plain grant is the same request as before lots.
 * After success the form clears itself; the same change sent again within minutes is asked about first.
 */
export function CreditForm({ customerId, kind }: { customerId: string; kind: Kind }) {
  const { api } = useSession();
  const queryClient = useQueryClient();
  const text = TEXT[kind];
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [category, setCategory] = useState<LotCategory>('PAID');
  const [expiryDay, setExpiryDay] = useState('');
  const [errors, setErrors] = useState<{ amount?: string; reason?: string; expiry?: string }>({});
  const [repeat, setRepeat] = useState<{ body: Body; secondsAgo: string }>();
  const changeOf = (body: Body): MoneyChange => ({ customerId, kind, ...body });
  const submission = useSubmission(async (body: Body, idempotencyKey: string) => {
    const answer = await api<CreditChangeResponse>(
      `/v1/customers/${encodeURIComponent(customerId)}/credit/${text.path}`,
      { method: 'POST', body, idempotencyKey },
    );
    rememberSent(changeOf(body));
    setAmount('');
    setReason('');
    setCategory('PAID');
    setExpiryDay('');
    await queryClient.invalidateQueries({ queryKey: ['customer', customerId] });
    await queryClient.invalidateQueries({ queryKey: ['customers'] });
    await queryClient.invalidateQueries({ queryKey: ['audit'] });
    return answer;
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseDollars(amount);
    const next: typeof errors = {};
    if (!parsed.ok) next.amount = parsed.message;
    if (reason.trim() === '') next.reason = 'Enter a reason.';
    else if (reason.trim().length > 500) next.reason = 'At most 500 characters.';
    const expiry = kind === 'grant' ? parseExpiryDay(expiryDay, new Date()) : undefined;
    if (expiry && !expiry.ok) next.expiry = expiry.message;
    setErrors(next);
    if (!parsed.ok || next.reason || next.expiry) return;
    const body: Body = {
      amountCents: parsed.cents,
      reason: reason.trim(),
      ...(kind === 'grant' && category !== 'PAID' ? { category } : {}),
      ...(expiry?.ok ? { expiresAt: expiry.expiresAt } : {}),
    };
    const sentAt = lastSent(changeOf(body));
    if (sentAt !== undefined) return setRepeat({ body, secondsAgo: ago(Date.now() - sentAt) });
    void submission.submit(body);
  };

  const { state } = submission;
  const id = `${kind}-credit`;
  return (
    <form onSubmit={onSubmit} aria-labelledby={`${id}-title`} className="panel" noValidate>
      <Title type="h3" size="sm" id={`${id}-title`}>
        {text.title}
      </Title>
      <TextField
        id={`${id}-amount`}
        label="Amount (USD)"
        placeholder="25.00"
        inputMode="decimal"
        value={amount}
        onChange={(value) => {
          setAmount(value);
          submission.reset();
        }}
        error={errors.amount}
        aria-invalid={errors.amount ? true : undefined}
      />
      <TextField
        id={`${id}-reason`}
        label="Reason"
        value={reason}
        onChange={(value) => {
          setReason(value);
          submission.reset();
        }}
        error={errors.reason}
        aria-invalid={errors.reason ? true : undefined}
      />
      {kind === 'grant' && (
        <>
          <div className="native-field">
            <label htmlFor={`${id}-category`}>Category</label>
            <select
              id={`${id}-category`}
              value={category}
              onChange={(event) => {
                setCategory(event.target.value as LotCategory);
                submission.reset();
              }}
            >
              <option value="PAID">Paid</option>
              <option value="PROMOTIONAL">Promotional</option>
            </select>
          </div>
          <div className="native-field">
            <label htmlFor={`${id}-expiry`}>Expires on (optional)</label>
            <input
              id={`${id}-expiry`}
              type="date"
              value={expiryDay}
              {...expiryBounds(new Date())}
              onChange={(event) => {
                setExpiryDay(event.target.value);
                submission.reset();
              }}
              aria-invalid={errors.expiry ? true : undefined}
              aria-describedby={errors.expiry ? `${id}-expiry-error` : `${id}-expiry-hint`}
            />
            {errors.expiry ? (
              <span id={`${id}-expiry-error`} className="field-error">
                {errors.expiry}
              </span>
            ) : (
              <span id={`${id}-expiry-hint`} className="field-hint">
                Empty: the credit never expires. It can be spent through the day picked.
              </span>
            )}
          </div>
        </>
      )}
      <Button
        htmlType="submit"
        type={kind === 'deduct' ? 'danger' : 'primary'}
        label={state.status === 'pending' ? 'Sending…' : text.button}
        disabled={state.status === 'pending'}
      />
      <div aria-live="polite">
        {state.status === 'done' && (
          <div role="status">
            <Alert
              state="success"
              text={[
                `${text.done} ${formatCents(Math.abs(state.result.transaction.amountCents))}.`,
                kind === 'grant' ? grantLotText(state.result) : undefined,
                `New balance ${formatCents(state.result.credit.balanceCents)}.`,
              ]
                .filter(Boolean)
                .join(' ')}
            />
          </div>
        )}
        {state.status === 'failed' && <ErrorMessage error={state.error} title={`${text.title} failed`} />}
      </div>
      <ConfirmationDialog
        open={repeat !== undefined}
        title="The same change again?"
        message={
          repeat
            ? `You ${text.done.toLowerCase()} ${formatCents(repeat.body.amountCents)} for this reason ${repeat.secondsAgo} ago. ${text.again} again?`
            : ''
        }
        primaryActionLabel={`${text.again} again`}
        primaryActionType={kind === 'deduct' ? 'danger' : 'primary'}
        secondaryActionLabel="Cancel"
        onCancel={() => setRepeat(undefined)}
        onConfirm={() => {
          if (repeat) void submission.submit(repeat.body);
          setRepeat(undefined);
        }}
      />
    </form>
  );
}

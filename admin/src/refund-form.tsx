import { Alert, Button, TextField, Title } from '@clickhouse/click-ui';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { Purchase, RefundRequest, RefundResponse } from './api-types.ts';
import { ErrorMessage } from './components.tsx';
import { formatCents, parseDollars } from './money.ts';
import { refundLotsOf, refundLotsText } from './refund-lots.ts';
import { previewRefund, type RefundChoice, refundedUnits } from './refund-preview.ts';
import { useSession } from './session.tsx';
import { useSubmission } from './submission.ts';

type Mode = RefundChoice['kind'];

function choiceOf(mode: Mode, quantity: string, amount: string): RefundChoice | { error: string } {
  if (mode === 'remaining') return { kind: 'remaining' };
  if (mode === 'quantity') {
    if (!/^\d+$/.test(quantity.trim())) return { error: 'Enter a whole number of units.' };
    return { kind: 'quantity', quantity: Number(quantity.trim()) };
  }
  const parsed = parseDollars(amount);
  return parsed.ok ? { kind: 'amount', amountCents: parsed.cents } : { error: parsed.message };
}

const requestOf = (choice: RefundChoice, reason: string): RefundRequest =>
  choice.kind === 'amount'
    ? { amountCents: choice.amountCents, reason }
    : choice.kind === 'quantity'
      ? { quantity: choice.quantity, reason }
      : { reason };

/**
 * Refund by amount, by quantity, or what remains. The form shows what the choice would return
 * (computed as the service does) and asks to confirm only what it foresees the service accepting; the
 * service may still say no (a concurrent refund), shown in place.
 */
export function RefundForm({ purchase }: { purchase: Purchase }) {
  const { api } = useSession();
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<Mode>('quantity');
  const [quantity, setQuantity] = useState('1');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string>();
  const [confirming, setConfirming] = useState<RefundRequest>();
  const submission = useSubmission(async (body: RefundRequest, idempotencyKey: string) => {
    const answer = await api<RefundResponse>(`/v1/purchases/${encodeURIComponent(purchase.id)}/refunds`, {
      method: 'POST',
      body,
      idempotencyKey,
    });
    await queryClient.invalidateQueries({ queryKey: ['purchase', purchase.id] });
    await queryClient.invalidateQueries({ queryKey: ['purchases'] });
    await queryClient.invalidateQueries({ queryKey: ['audit'] });
    await queryClient.invalidateQueries({ queryKey: ['customer', purchase.customerId] });
    return answer;
  });

  const choice = choiceOf(mode, quantity, amount);
  const preview =
    'error' in choice ? { ok: false as const, message: choice.error } : previewRefund(purchase, choice);
  const unitsLeft = purchase.quantity - refundedUnits(purchase);
  const edit = () => {
    setConfirming(undefined);
    submission.reset();
  };

  const onReview = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = reason.trim();
    setReasonError(trimmed === '' ? 'Enter a reason.' : undefined);
    // A refund the preview already says will fail (more than remains) is not offered to confirm.
    if (trimmed === '' || 'error' in choice || !preview.ok) return;
    setConfirming(requestOf(choice, trimmed));
  };

  const { state } = submission;
  const lots = state.status === 'done' ? refundLotsOf(state.result) : undefined;
  return (
    <form onSubmit={onReview} aria-labelledby="refund-title" className="panel" noValidate>
      <Title type="h3" size="sm" id="refund-title">
        Refund
      </Title>
      <fieldset disabled={confirming !== undefined && state.status === 'pending'}>
        <legend>What to refund</legend>
        {(
          [
            ['quantity', `Units (${unitsLeft} of ${purchase.quantity} left)`],
            ['amount', 'An amount'],
            ['remaining', `What remains (${formatCents(purchase.refundableCents)})`],
          ] as const
        ).map(([value, label]) => (
          <label key={value} className="radio">
            <input
              type="radio"
              name="refund-mode"
              value={value}
              checked={mode === value}
              onChange={() => {
                setMode(value);
                edit();
              }}
            />
            {label}
          </label>
        ))}
      </fieldset>
      {mode === 'quantity' && (
        <TextField
          id="refund-quantity"
          label="Units to refund"
          inputMode="numeric"
          value={quantity}
          onChange={(value) => {
            setQuantity(value);
            edit();
          }}
        />
      )}
      {mode === 'amount' && (
        <TextField
          id="refund-amount"
          label="Amount to refund (USD)"
          inputMode="decimal"
          placeholder="10.00"
          value={amount}
          onChange={(value) => {
            setAmount(value);
            edit();
          }}
        />
      )}
      <TextField
        id="refund-reason"
        label="Reason"
        value={reason}
        onChange={(value) => {
          setReason(value);
          edit();
        }}
        error={reasonError}
      />
      <p aria-live="polite" data-testid="refund-preview">
        {preview.ok ? `This refund returns ${formatCents(preview.cents)}.` : preview.message}
      </p>
      {confirming === undefined ? (
        <Button htmlType="submit" type="secondary" label="Review refund" />
      ) : (
        <div className="confirm">
          <Button
            type="danger"
            label={
              state.status === 'pending'
                ? 'Refunding…'
                : `Confirm refund${preview.ok ? ` of ${formatCents(preview.cents)}` : ''}`
            }
            disabled={state.status === 'pending' || state.status === 'done'}
            onClick={() => void submission.submit(confirming)}
          />
          <Button type="empty" label="Change" onClick={edit} disabled={state.status === 'pending'} />
        </div>
      )}
      <div aria-live="polite">
        {state.status === 'done' && (
          <div role="status">
            <Alert
              state="success"
              text={`Refunded ${formatCents(state.result.refund.amountCents)}. Still refundable: ${formatCents(state.result.purchase.refundableCents)}.${lots ? ` ${refundLotsText(lots)}` : ''}`}
            />
          </div>
        )}
        {state.status === 'failed' && <ErrorMessage error={state.error} title="Refund refused" />}
      </div>
    </form>
  );
}

import { Alert, Button, TextField, Title } from '@clickhouse/click-ui';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { CreatePromoCodeRequest, PromoCodeView } from './api-types.ts';
import { ErrorMessage } from './components.tsx';
import { type PromoCodeFields, promoCodeRequestOf } from './promo-code-request.ts';
import { useSession } from './session.tsx';
import { useSubmission } from './submission.ts';

const EMPTY: PromoCodeFields = {
  code: '',
  kind: 'PERCENT',
  off: '',
  maxRedemptions: '',
  perCustomer: '',
  validFrom: '',
  validUntil: '',
  minSubtotal: '',
  productIds: '',
};

/**
 * Every field the service takes for a new code. One outcome is shown at a time: a new attempt (or
 * an edit) removes the last one's success or error, so an old "Created" never sits beside a new error.
 */
export function CreatePromoCodeForm() {
  const { api } = useSession();
  const queryClient = useQueryClient();
  const [fields, setFields] = useState<PromoCodeFields>(EMPTY);
  const [errors, setErrors] = useState<Partial<Record<keyof PromoCodeFields, string>>>({});
  const submission = useSubmission(async (body: CreatePromoCodeRequest, idempotencyKey: string) => {
    const created = await api<PromoCodeView>('/v1/promo-codes', { method: 'POST', body, idempotencyKey });
    await queryClient.invalidateQueries({ queryKey: ['promo-codes'] });
    return created;
  });
  const set = (name: keyof PromoCodeFields) => (value: string) => {
    setFields((current) => ({ ...current, [name]: value }));
    submission.reset();
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submission.reset();
    const request = promoCodeRequestOf(fields);
    setErrors(request.ok ? {} : request.errors);
    if (request.ok) void submission.submit(request.body);
  };
  const { state } = submission;
  const field = (name: keyof PromoCodeFields, label: string, extra: { placeholder?: string } = {}) => (
    <TextField
      id={`promo-${name}`}
      label={label}
      value={fields[name]}
      onChange={set(name)}
      error={errors[name]}
      {...extra}
    />
  );
  const dateField = (name: 'validFrom' | 'validUntil', label: string) => (
    <div className="native-field">
      <label htmlFor={`promo-${name}`}>{label}</label>
      <input
        id={`promo-${name}`}
        type="datetime-local"
        value={fields[name]}
        onChange={(event) => set(name)(event.target.value)}
        aria-invalid={errors[name] ? true : undefined}
        aria-describedby={errors[name] ? `promo-${name}-error` : undefined}
      />
      {errors[name] && (
        <span id={`promo-${name}-error`} className="field-error">
          {errors[name]}
        </span>
      )}
    </div>
  );
  return (
    <form onSubmit={onSubmit} className="panel wide" aria-labelledby="create-promo-title" noValidate>
      <Title type="h2" size="sm" id="create-promo-title">
        Create a promo code
      </Title>
      <div className="field-grid">
        {field('code', 'Code')}
        <div className="native-field">
          <label htmlFor="promo-kind">Kind</label>
          <select id="promo-kind" value={fields.kind} onChange={(event) => set('kind')(event.target.value)}>
            <option value="PERCENT">Percent off</option>
            <option value="FIXED">Fixed amount off</option>
          </select>
        </div>
        {field('off', fields.kind === 'PERCENT' ? 'Percent off' : 'Amount off (USD)')}
        {field('maxRedemptions', 'Max redemptions', { placeholder: 'no limit' })}
        {field('perCustomer', 'Per customer', { placeholder: 'no limit' })}
        {field('minSubtotal', 'Minimum subtotal (USD)', { placeholder: 'none' })}
        {dateField('validFrom', 'Valid from')}
        {dateField('validUntil', 'Valid until')}
        {field('productIds', 'Product ids', { placeholder: 'any product; comma-separated' })}
      </div>
      <Button htmlType="submit" label="Create promo code" disabled={state.status === 'pending'} />
      <div aria-live="polite">
        {Object.keys(errors).length > 0 && (
          <div role="alert">
            <Alert state="danger" text="Check the fields marked above." />
          </div>
        )}
        {state.status === 'done' && (
          <div role="status">
            <Alert state="success" text={`Created ${state.result.code}.`} />
          </div>
        )}
        {state.status === 'failed' && <ErrorMessage error={state.error} title="Could not create the code" />}
      </div>
    </form>
  );
}

import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Purchase } from '../src/api-types.ts';
import { RefundForm } from '../src/refund-form.tsx';
import { errorBody, fakeApi, renderApp } from './harness.tsx';

const purchase = {
  id: 'p1',
  customerId: 'c1',
  quantity: 3,
  totalCents: 1000,
  refundedCents: 0,
  refundableCents: 1000,
  refunds: [],
} as unknown as Purchase;

describe('RefundForm', () => {
  it('shows what each choice returns, then sends the confirmed one', async () => {
    const api = fakeApi(() => ({
      status: 201,
      body: {
        refund: { amountCents: 333 },
        purchase: { ...purchase, refundedCents: 333, refundableCents: 667 },
      },
    }));
    renderApp(<RefundForm purchase={purchase} />, { role: 'support', fetchImpl: api.fetchImpl });
    const user = userEvent.setup();
    expect(screen.getByTestId('refund-preview').textContent).toBe('This refund returns $3.33.');
    await user.click(screen.getByLabelText('What remains ($10.00)'));
    expect(screen.getByTestId('refund-preview').textContent).toBe('This refund returns $10.00.');
    await user.click(screen.getByLabelText('An amount'));
    await user.type(screen.getByLabelText('Amount to refund (USD)'), '2.50');
    expect(screen.getByTestId('refund-preview').textContent).toBe('This refund returns $2.50.');
    await user.click(screen.getByLabelText('Units (3 of 3 left)'));
    await user.type(screen.getByLabelText('Reason'), 'damaged');
    await user.click(screen.getByRole('button', { name: 'Review refund' }));
    expect(api.calls).toHaveLength(0);
    await user.click(screen.getByRole('button', { name: 'Confirm refund of $3.33' }));
    expect(await screen.findByText('Refunded $3.33. Still refundable: $6.67.')).toBeTruthy();
    expect(api.calls).toHaveLength(1);
    expect(api.calls[0]).toMatchObject({
      path: '/v1/purchases/p1/refunds',
      body: { quantity: 1, reason: 'damaged' },
    });
    expect(api.calls[0]?.headers['idempotency-key']).toBeTruthy();
  });

  it('offers no Confirm for a refund the preview says is more than remains', async () => {
    const api = fakeApi(() => ({ status: 500 }));
    renderApp(<RefundForm purchase={purchase} />, { role: 'support', fetchImpl: api.fetchImpl });
    const user = userEvent.setup();
    await user.click(screen.getByLabelText('An amount'));
    await user.type(screen.getByLabelText('Amount to refund (USD)'), '20');
    await user.type(screen.getByLabelText('Reason'), 'too much');
    await user.click(screen.getByRole('button', { name: 'Review refund' }));
    expect(screen.getByTestId('refund-preview').textContent).toBe(
      'The refund is more than what remains to be refunded.',
    );
    expect(screen.queryByRole('button', { name: /Confirm/ })).toBeNull();
    expect(api.calls).toHaveLength(0);
  });

  it("shows the service's refusal in place (a concurrent refund took what remained)", async () => {
    const api = fakeApi(() => ({
      status: 422,
      body: errorBody('REFUND_EXCEEDS_REMAINING', 'The refund is more than what remains to be refunded.'),
    }));
    renderApp(<RefundForm purchase={purchase} />, { role: 'support', fetchImpl: api.fetchImpl });
    const user = userEvent.setup();
    await user.click(screen.getByLabelText('An amount'));
    await user.type(screen.getByLabelText('Amount to refund (USD)'), '5');
    await user.type(screen.getByLabelText('Reason'), 'late');
    await user.click(screen.getByRole('button', { name: 'Review refund' }));
    await user.click(screen.getByRole('button', { name: 'Confirm refund of $5.00' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('REFUND_EXCEEDS_REMAINING');
    expect(api.calls[0]?.body).toEqual({ amountCents: 500, reason: 'late' });
  });
});

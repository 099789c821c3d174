import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CreditForm } from '../src/credit-form.tsx';
import { type Answer, errorBody, fakeApi, renderApp } from './harness.tsx';

const granted = (amountCents: number, balanceCents: number) => ({
  status: 201,
  body: {
    transaction: { id: 't1', type: 'GRANT', amountCents, balanceAfterCents: balanceCents },
    credit: { balanceCents, availableCents: balanceCents, heldCents: 0 },
  },
});

async function fillAndSend(amount: string, reason = 'goodwill', button = 'Grant credit') {
  const user = userEvent.setup();
  if (amount) await user.type(screen.getByLabelText('Amount (USD)'), amount);
  if (reason) await user.type(screen.getByLabelText('Reason'), reason);
  await user.click(screen.getByRole('button', { name: button }));
  return user;
}

describe('CreditForm', () => {
  afterEach(() => vi.useRealTimers());

  it('clears itself after success, so pressing the button again sends nothing', async () => {
    const api = fakeApi(() => granted(2500, 2500));
    renderApp(<CreditForm customerId="c1" kind="grant" />, { role: 'support', fetchImpl: api.fetchImpl });
    const user = await fillAndSend('25');
    expect(await screen.findByText('Granted $25.00. New balance $25.00.')).toBeTruthy();
    expect((screen.getByLabelText('Amount (USD)') as HTMLInputElement).value).toBe('');
    expect((screen.getByLabelText('Reason') as HTMLInputElement).value).toBe('');
    await user.click(screen.getByRole('button', { name: 'Grant credit' }));
    expect(screen.getByText('Enter an amount.')).toBeTruthy();
    expect(api.calls).toHaveLength(1);
  });

  it('asks before sending the same customer, amount and reason again within minutes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-04T10:00:00Z'));
    const api = fakeApi(() => granted(2500, 2500));
    renderApp(<CreditForm customerId="c1" kind="grant" />, { role: 'support', fetchImpl: api.fetchImpl });
    await fillAndSend('25', 'late delivery');
    await screen.findByText('Granted $25.00. New balance $25.00.');
    vi.setSystemTime(new Date('2026-12-04T10:00:40Z'));

    const user = await fillAndSend('25.00', 'Late  delivery');
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('You granted $25.00 for this reason 40 s ago. Grant again?');
    expect(api.calls).toHaveLength(1);
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.calls).toHaveLength(1);

    await user.click(screen.getByRole('button', { name: 'Grant credit' }));
    await user.click(await screen.findByRole('button', { name: 'Grant again' }));
    await waitFor(() => expect(api.calls).toHaveLength(2));
    expect(api.calls[1]?.headers['idempotency-key']).not.toBe(api.calls[0]?.headers['idempotency-key']);
  });

  it('asks the same before deducting the same again', async () => {
    const api = fakeApi(() => granted(-500, 500));
    renderApp(<CreditForm customerId="c1" kind="deduct" />, { role: 'support', fetchImpl: api.fetchImpl });
    await fillAndSend('5', 'correction', 'Deduct credit');
    await screen.findByText('Deducted $5.00. New balance $5.00.');
    await fillAndSend('5', 'correction', 'Deduct credit');
    expect((await screen.findByRole('dialog')).textContent).toMatch(
      /You deducted \$5\.00 for this reason \d+ s ago\. Deduct again\?/,
    );
    expect(api.calls).toHaveLength(1);
  });

  it('does not ask about a different amount, reason, kind, or one sent over five minutes ago', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-04T10:00:00Z'));
    const api = fakeApi(() => granted(2500, 2500));
    renderApp(<CreditForm customerId="c1" kind="grant" />, { role: 'support', fetchImpl: api.fetchImpl });
    await fillAndSend('25', 'goodwill');
    await screen.findByText('Granted $25.00. New balance $25.00.');
    await fillAndSend('26', 'goodwill');
    await waitFor(() => expect(api.calls).toHaveLength(2));
    vi.setSystemTime(new Date('2026-12-04T10:05:01Z'));
    await fillAndSend('25', 'goodwill');
    await waitFor(() => expect(api.calls).toHaveLength(3));
    expect(screen.queryByRole('dialog')).toBeNull();
  });
  it('sends the typed dollars as cents with an Idempotency-Key and shows the new balance', async () => {
    const api = fakeApi(() => granted(1234, 11234));
    renderApp(<CreditForm customerId="c1" kind="grant" />, { role: 'support', fetchImpl: api.fetchImpl });
    await fillAndSend('12.34');
    expect(await screen.findByText('Granted $12.34. New balance $112.34.')).toBeTruthy();
    expect(api.calls).toHaveLength(1);
    expect(api.calls[0]).toMatchObject({
      method: 'POST',
      path: '/v1/customers/c1/credit/grants',
      body: { amountCents: 1234, reason: 'goodwill' },
    });
    expect(api.calls[0]?.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('validates the amount and the reason before sending anything', async () => {
    const api = fakeApi(() => granted(1, 1));
    renderApp(<CreditForm customerId="c1" kind="grant" />, { role: 'support', fetchImpl: api.fetchImpl });
    await fillAndSend('1.234', '');
    expect(screen.getByText('Enter dollars and at most two decimals, e.g. 12.50.')).toBeTruthy();
    expect(screen.getByText('Enter a reason.')).toBeTruthy();
    expect(api.calls).toHaveLength(0);
  });

  it("shows the server's error in place", async () => {
    const api = fakeApi(() => ({
      status: 422,
      body: errorBody('INSUFFICIENT_CREDIT', 'The customer has only $5.00 available.'),
    }));
    renderApp(<CreditForm customerId="c1" kind="deduct" />, { role: 'support', fetchImpl: api.fetchImpl });
    await fillAndSend('10', 'correction', 'Deduct credit');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The customer has only $5.00 available.');
    expect(alert.textContent).toContain('INSUFFICIENT_CREDIT');
  });

  it('sends one request for a double click', async () => {
    let release: (answer: Answer) => void = () => undefined;
    const api = fakeApi(() => new Promise<Answer>((resolve) => (release = resolve)));
    renderApp(<CreditForm customerId="c1" kind="grant" />, { role: 'support', fetchImpl: api.fetchImpl });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Amount (USD)'), '5');
    await user.type(screen.getByLabelText('Reason'), 'goodwill');
    const button = screen.getByRole('button', { name: 'Grant credit' });
    await user.dblClick(button);
    await user.keyboard('{Enter}');
    release(granted(500, 500));
    expect(await screen.findByText('Granted $5.00. New balance $5.00.')).toBeTruthy();
    expect(api.calls).toHaveLength(1);
  });

  it('retries an unknown outcome with the same key, and gives the next submission a new one', async () => {
    const answers: Answer[] = [
      'network-error',
      { status: 503, body: errorBody('SERVICE_UNAVAILABLE', 'busy') },
    ];
    const api = fakeApi(() => answers.shift() ?? granted(500, 500));
    renderApp(<CreditForm customerId="c1" kind="grant" />, { role: 'support', fetchImpl: api.fetchImpl });
    await fillAndSend('5');
    expect(
      await screen.findByText('Granted $5.00. New balance $5.00.', {}, { timeout: 10_000 }),
    ).toBeTruthy();
    expect(api.calls).toHaveLength(3);
    const [first, second, third] = api.calls.map((call) => call.headers['idempotency-key']);
    expect(second).toBe(first);
    expect(third).toBe(first);
    await fillAndSend('5', 'another goodwill');
    await waitFor(() => expect(api.calls).toHaveLength(4), { timeout: 10_000 });
    expect(api.calls[3]?.headers['idempotency-key']).not.toBe(first);
  });

  it('keeps the key when the rep retries a submission whose outcome is still unknown', async () => {
    const api = fakeApi(() => 'network-error');
    renderApp(<CreditForm customerId="c1" kind="grant" />, { role: 'support', fetchImpl: api.fetchImpl });
    const user = await fillAndSend('5');
    expect((await screen.findByRole('alert', {}, { timeout: 10_000 })).textContent).toContain(
      'could not be reached',
    );
    await user.click(screen.getByRole('button', { name: 'Grant credit' }));
    await waitFor(() => expect(api.calls).toHaveLength(6), { timeout: 10_000 });
    expect(new Set(api.calls.map((call) => call.headers['idempotency-key'])).size).toBe(1);
  });
});

describe('the grant form, with lots', () => {
  afterEach(() => vi.useRealTimers());

  /** Dec 4, 2026, 10:00 UTC; the tests read the rep's zone as UTC. */
  const freeze = () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-04T10:00:00Z'));
  };
  const pickExpiry = (day: string) =>
    fireEvent.change(screen.getByLabelText('Expires on (optional)'), { target: { value: day } });

  it('sends a plain grant as before: no category and no expiry, so a service without lots takes it', async () => {
    const api = fakeApi(() => granted(500, 500));
    renderApp(<CreditForm customerId="c1" kind="grant" />, { role: 'support', fetchImpl: api.fetchImpl });
    expect((screen.getByLabelText('Category') as HTMLSelectElement).value).toBe('PAID');
    await fillAndSend('5');
    await screen.findByText('Granted $5.00. New balance $5.00.');
    expect(api.calls[0]?.body).toEqual({ amountCents: 500, reason: 'goodwill' });
  });

  it('sends a promotional grant that expires at the end of the day picked, then clears both fields', async () => {
    freeze();
    const api = fakeApi(() => granted(2000, 2000));
    renderApp(<CreditForm customerId="c1" kind="grant" />, { role: 'support', fetchImpl: api.fetchImpl });
    const user = userEvent.setup();
    await user.selectOptions(screen.getByLabelText('Category'), 'Promotional');
    pickExpiry('2027-01-31');
    await fillAndSend('20', 'holiday promotion');
    await screen.findByText('Granted $20.00. New balance $20.00.');
    expect(api.calls[0]?.body).toEqual({
      amountCents: 2000,
      reason: 'holiday promotion',
      category: 'PROMOTIONAL',
      expiresAt: '2027-01-31T23:59:59.000Z',
    });
    expect((screen.getByLabelText('Category') as HTMLSelectElement).value).toBe('PAID');
    expect((screen.getByLabelText('Expires on (optional)') as HTMLInputElement).value).toBe('');
  });

  const grantInto = (lot: { lotId: string; transactionId: string; expiresAt?: string }) => ({
    status: 201,
    body: {
      transaction: {
        id: 't2',
        type: 'GRANT',
        amountCents: 2000,
        balanceAfterCents: 7000,
        lots: [{ lotId: lot.lotId, amountCents: 2000 }],
      },
      credit: {
        balanceCents: 7000,
        availableCents: 7000,
        heldCents: 0,
        lots: [
          {
            category: 'PROMOTIONAL',
            grantedCents: 2000,
            remainingCents: 2000,
            heldCents: 0,
            grantedAt: '2026-12-01T00:00:00.000Z',
            ...lot,
          },
        ],
        nextExpiry: null,
      },
    },
  });

  it('says which lot the grant went to', async () => {
    const api = fakeApi(() =>
      grantInto({ lotId: 't2', transactionId: 't2', expiresAt: '2027-01-31T23:59:59.000Z' }),
    );
    renderApp(<CreditForm customerId="c1" kind="grant" />, { role: 'support', fetchImpl: api.fetchImpl });
    await fillAndSend('20');
    expect(
      await screen.findByText(
        'Granted $20.00. Into a new promotional lot that expires Jan 31, 2027, 11:59 PM UTC. New balance $70.00.',
      ),
    ).toBeTruthy();
  });

  it('says so when the service merged the grant into a lot an earlier grant made', async () => {
    const api = fakeApi(() => grantInto({ lotId: 'lot-1', transactionId: 't1' }));
    renderApp(<CreditForm customerId="c1" kind="grant" />, { role: 'support', fetchImpl: api.fetchImpl });
    await fillAndSend('20');
    expect(
      await screen.findByText(
        'Granted $20.00. Into an existing promotional lot that never expires. New balance $70.00.',
      ),
    ).toBeTruthy();
  });

  it('offers only days from today to 5 years ahead in the picker', () => {
    freeze();
    renderApp(<CreditForm customerId="c1" kind="grant" />, {
      role: 'support',
      fetchImpl: fakeApi(() => granted(1, 1)).fetchImpl,
    });
    const input = screen.getByLabelText('Expires on (optional)') as HTMLInputElement;
    expect([input.type, input.min, input.max]).toEqual(['date', '2026-12-04', '2031-12-03']);
  });

  it('refuses an expiry in the past, before sending anything', async () => {
    freeze();
    const api = fakeApi(() => granted(500, 500));
    renderApp(<CreditForm customerId="c1" kind="grant" />, { role: 'support', fetchImpl: api.fetchImpl });
    pickExpiry('2026-12-03');
    await fillAndSend('5');
    expect(screen.getByText('The expiry date must be today or later.')).toBeTruthy();
    expect(screen.getByLabelText('Expires on (optional)').getAttribute('aria-invalid')).toBe('true');
    expect(api.calls).toHaveLength(0);
  });

  it('refuses an expiry more than 5 years ahead, naming the last day it takes', async () => {
    freeze();
    const api = fakeApi(() => granted(500, 500));
    renderApp(<CreditForm customerId="c1" kind="grant" />, { role: 'support', fetchImpl: api.fetchImpl });
    pickExpiry('2031-12-04');
    await fillAndSend('5');
    expect(
      screen.getByText('The expiry can be at most 5 years ahead: Dec 3, 2031 at the latest.'),
    ).toBeTruthy();
    expect(api.calls).toHaveLength(0);
    pickExpiry('2031-12-03');
    await fillAndSend('', '', 'Grant credit');
    await waitFor(() => expect(api.calls).toHaveLength(1));
    expect(api.calls[0]?.body).toMatchObject({ expiresAt: '2031-12-03T23:59:59.000Z' });
  });

  it("shows the service's field errors for the expiry in place", async () => {
    freeze();
    const api = fakeApi(() => ({
      status: 400,
      body: {
        error: {
          code: 'VALIDATION_FAILED',
          message: 'The request is not valid.',
          details: [{ path: 'body.expiresAt', message: 'must be at most 5 years ahead' }],
          requestId: 'req-9',
        },
      },
    }));
    renderApp(<CreditForm customerId="c1" kind="grant" />, { role: 'support', fetchImpl: api.fetchImpl });
    pickExpiry('2027-06-30');
    await fillAndSend('5');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('VALIDATION_FAILED');
    expect(within(alert).getByRole('list', { name: 'Field details' }).textContent).toBe(
      'body.expiresAt: must be at most 5 years ahead',
    );
  });

  it('leaves the deduct form as it was: no category and no expiry', () => {
    renderApp(<CreditForm customerId="c1" kind="deduct" />, {
      role: 'support',
      fetchImpl: fakeApi(() => granted(1, 1)).fetchImpl,
    });
    expect(screen.queryByLabelText('Category')).toBeNull();
    expect(screen.queryByLabelText('Expires on (optional)')).toBeNull();
  });
});

import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import {
  allTransactions,
  api,
  type Credit,
  createCustomer,
  creditPath,
  grant,
  type Page,
  setFaults,
  type Transaction,
} from '../support/api-client.ts';
import { expectBooksToBalance } from '../support/reconcile.ts';

const deduct = (customerId: string, amountCents: number, headers: Record<string, string> = {}) =>
  api<{ transaction: Transaction; credit: Credit }>('POST', `${creditPath(customerId)}/deductions`, {
    body: { amountCents, reason: 'test deduction' },
    headers,
  });

async function expectLedgerMatchesBalance(customerId: string, balanceCents: number): Promise<void> {
  const credit = await api<Credit>('GET', creditPath(customerId));
  const transactions = await allTransactions(customerId);
  expect(credit.body.balanceCents).toBe(balanceCents);
  expect(credit.body.balanceCents).toBe(credit.body.availableCents + credit.body.heldCents);
  expect(transactions.reduce((sum, transaction) => sum + transaction.amountCents, 0)).toBe(balanceCents);
}

afterEach(async () => {
  await setFaults([]);
});

// After the load above: the ledger, the holds, the refunds and the audit trail all agree.
afterAll(async () => {
  await expectBooksToBalance();
});

describe('credit ledger over HTTP', () => {
  it('answers zeros for a known customer with no history', async () => {
    const customerId = await createCustomer();

    const credit = await api('GET', creditPath(customerId));

    expect(credit.status).toBe(200);
    expect(credit.body).toEqual({
      customerId,
      currency: 'USD',
      balanceCents: 0,
      availableCents: 0,
      heldCents: 0,
      lots: [],
      nextExpiry: null,
      updatedAt: null,
    });
  });

  it("grants, deducts and lists the history newest first with who did it: the token's subject, whatever x-actor says", async () => {
    const customerId = await createCustomer();

    const granted = await grant(
      customerId,
      10_000,
      { 'x-actor': 'mallory' },
      { role: 'support', sub: 'rep-alice' },
    );
    const deducted = await deduct(customerId, 2_550);

    expect(granted.status).toBe(201);
    expect(granted.body.transaction).toMatchObject({
      type: 'GRANT',
      amountCents: 10_000,
      actor: 'rep-alice',
    });
    expect(deducted.status).toBe(201);
    expect(deducted.body.credit).toMatchObject({ balanceCents: 7_450, availableCents: 7_450, heldCents: 0 });
    expect(deducted.body.transaction).toMatchObject({
      type: 'DEDUCTION',
      amountCents: -2_550,
      balanceAfterCents: 7_450,
    });
    const history = await allTransactions(customerId);
    expect(history.map((transaction) => transaction.type)).toEqual(['DEDUCTION', 'GRANT']);
    await expectLedgerMatchesBalance(customerId, 7_450);
  });

  it('keeps the metadata a grant carries', async () => {
    const customerId = await createCustomer();
    const metadata = { ticket: 'CS-1234', tags: ['goodwill'], nested: { level: 2 } };

    const granted = await api<{ transaction: Transaction & { metadata?: unknown } }>(
      'POST',
      `${creditPath(customerId)}/grants`,
      { body: { amountCents: 100, reason: 'with metadata', metadata } },
    );
    const [listed] = (
      await api<Page<Transaction & { metadata?: unknown }>>('GET', `${creditPath(customerId)}/transactions`)
    ).body.items;

    expect(granted.status).toBe(201);
    expect(granted.body.transaction.metadata).toEqual(metadata);
    expect(listed?.metadata).toEqual(metadata);
  });

  it('pages the history 20 at a time by default, newest first, with a cursor to the rest', async () => {
    const customerId = await createCustomer();
    for (let amount = 1; amount <= 25; amount++) await grant(customerId, amount);

    const first = await api<Page<Transaction>>('GET', `${creditPath(customerId)}/transactions`);
    const second = await api<Page<Transaction>>(
      'GET',
      `${creditPath(customerId)}/transactions?cursor=${first.body.nextCursor}`,
    );

    expect(first.body.items.map((t) => t.amountCents)).toEqual(Array.from({ length: 20 }, (_, i) => 25 - i));
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expect(second.body.items.map((t) => t.amountCents)).toEqual([5, 4, 3, 2, 1]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('refuses a deduction beyond the available credit with 422 and changes nothing', async () => {
    const customerId = await createCustomer();
    await grant(customerId, 500);

    const refused = await deduct(customerId, 501);

    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      error: { code: 'INSUFFICIENT_CREDIT', requestId: expect.any(String) },
    });
    await expectLedgerMatchesBalance(customerId, 500);
  });

  it('answers 404 CUSTOMER_NOT_FOUND for a customer the external API does not know', async () => {
    const answers = await Promise.all([
      api('GET', creditPath('00000000-0000-0000-0000-000000000000')),
      grant('00000000-0000-0000-0000-000000000000', 100),
      api('GET', `${creditPath('00000000-0000-0000-0000-000000000000')}/transactions`),
    ]);

    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ error: { code: 'CUSTOMER_NOT_FOUND' } });
    }
  });

  it('lets exactly 20 of 50 concurrent deductions through when the balance covers exactly 20', async () => {
    const customerId = await createCustomer();
    await grant(customerId, 20 * 137);

    const answers = await Promise.all(Array.from({ length: 50 }, () => deduct(customerId, 137)));

    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(20);
    expect(statuses.filter((status) => status === 422)).toHaveLength(30);
    for (const answer of answers.filter((a) => a.status === 422)) {
      expect(answer.body).toMatchObject({ error: { code: 'INSUFFICIENT_CREDIT' } });
    }
    await expectLedgerMatchesBalance(customerId, 0);
    const history = await allTransactions(customerId);
    expect(history.filter((transaction) => transaction.type === 'DEDUCTION')).toHaveLength(20);
    // Every entry records the balance it led to, and those balances form one unbroken chain.
    const oldestFirst = [...history].reverse();
    let running = 0;
    for (const transaction of oldestFirst) {
      running += transaction.amountCents;
      expect(transaction.balanceAfterCents).toBe(running);
    }
  });

  it('keeps every grant when many arrive at once', async () => {
    const customerId = await createCustomer();

    const answers = await Promise.all(Array.from({ length: 30 }, (_, index) => grant(customerId, index + 1)));

    expect(answers.every((answer) => answer.status === 201)).toBe(true);
    await expectLedgerMatchesBalance(customerId, (30 * 31) / 2);
  });
});

describe('Idempotency-Key', () => {
  it('replays the first answer and changes nothing more', async () => {
    const customerId = await createCustomer();
    const key = `grant-${customerId}`;

    const first = await grant(customerId, 1_234, { 'idempotency-key': key });
    const replay = await grant(customerId, 1_234, { 'idempotency-key': key });

    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    await expectLedgerMatchesBalance(customerId, 1_234);
  });

  it('replays a refusal as a refusal, even once the request would now succeed', async () => {
    const customerId = await createCustomer();
    const key = `deduct-${customerId}`;

    const first = await deduct(customerId, 100, { 'idempotency-key': key });
    await grant(customerId, 1_000);
    const replay = await deduct(customerId, 100, { 'idempotency-key': key });

    expect(first.status).toBe(422);
    expect(replay.status).toBe(422);
    expect(replay.body).toEqual(first.body);
    await expectLedgerMatchesBalance(customerId, 1_000);
  });

  it('applies concurrent duplicates once: the rest replay or are told the first is still running', async () => {
    const customerId = await createCustomer();
    const key = `burst-${customerId}`;

    const answers = await Promise.all(
      Array.from({ length: 10 }, () => grant(customerId, 500, { 'idempotency-key': key })),
    );

    const statuses = answers.map((answer) => answer.status);
    expect(statuses.every((status) => status === 201 || status === 409)).toBe(true);
    expect(statuses).toContain(201);
    for (const answer of answers.filter((a) => a.status === 409)) {
      expect(answer.body).toMatchObject({ error: { code: 'REQUEST_IN_PROGRESS' } });
    }
    await expectLedgerMatchesBalance(customerId, 500);
  });

  it('refuses the same key with a different body with 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const customerId = await createCustomer();
    const key = `reuse-${customerId}`;
    await grant(customerId, 100, { 'idempotency-key': key });

    const reused = await grant(customerId, 200, { 'idempotency-key': key });

    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    await expectLedgerMatchesBalance(customerId, 100);
  });

  it('refuses a key longer than 255 characters', async () => {
    const customerId = await createCustomer();

    const answer = await grant(customerId, 100, { 'idempotency-key': 'k'.repeat(256) });

    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: { code: 'VALIDATION_FAILED', details: [{ path: 'headers.idempotency-key' }] },
    });
    await expectLedgerMatchesBalance(customerId, 0);
  });
});

describe('external API failures', () => {
  it.each([
    { name: 'an HTTP 500', fault: { kind: 'status', status: 500 }, status: 502, code: 'UPSTREAM_ERROR' },
    { name: 'a connection reset', fault: { kind: 'reset' }, status: 502, code: 'UPSTREAM_ERROR' },
    { name: 'a malformed body', fault: { kind: 'malformed' }, status: 502, code: 'UPSTREAM_ERROR' },
    { name: 'no answer in time', fault: { kind: 'hang' }, status: 504, code: 'UPSTREAM_TIMEOUT' },
  ] as const)(
    'maps $name from GetCustomer to $status $code and changes nothing',
    async ({ fault, status, code }) => {
      const customerId = await createCustomer();
      await grant(customerId, 1_000);
      await setFaults([{ operation: 'GetCustomer', count: 1, ...fault }]);

      const answer = await deduct(customerId, 100);

      expect(answer.status).toBe(status);
      expect(answer.body).toMatchObject({ error: { code } });
      await expectLedgerMatchesBalance(customerId, 1_000);
    },
  );
});

import { afterAll, describe, expect, it } from '@jest/globals';
import { allPages, allTransactions, api, creditOf, customerAndProduct } from '../support/api-client.ts';
import { expectBooksToBalance } from '../support/reconcile.ts';

interface Purchase {
  id: string;
  totalCents: number;
  refundedCents: number;
  refundableCents: number;
  status: string;
  refunds?: Refund[];
}
interface Refund {
  id: string;
  purchaseId: string;
  amountCents: number;
  quantity?: number;
  reason: string;
  actor: string;
}
interface RefundAnswer {
  refund: Refund;
  purchase: Purchase;
  error: { code: string; details: Record<string, unknown> };
}

/** A customer with 1,000.00 of credit who bought `quantity` units at `price` dollars. */
async function purchased(
  price: number,
  quantity: number,
): Promise<{ customerId: string; purchase: Purchase }> {
  const { customerId, productId } = await customerAndProduct(100_000, price);
  const answer = await api<Purchase>('POST', '/v1/purchases', { body: { customerId, productId, quantity } });
  expect(answer.status).toBe(201);
  return { customerId, purchase: answer.body };
}

const refund = (purchaseId: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  api<RefundAnswer>('POST', `/v1/purchases/${purchaseId}/refunds`, {
    body: { reason: 'test refund', ...body },
    headers,
    as: { role: 'support', sub: 'rep-ann' },
  });

/** Balance, ledger and purchase agree to the cent. */
async function expectBooksAgree(customerId: string, purchaseId: string): Promise<void> {
  const credit = await creditOf(customerId);
  const ledger = await allTransactions(customerId);
  const purchase = await api<Purchase>('GET', `/v1/purchases/${purchaseId}`);
  const refunds = await allPages<Refund>(`/v1/purchases/${purchaseId}/refunds`);
  expect(ledger.reduce((sum, entry) => sum + entry.amountCents, 0)).toBe(credit.balanceCents);
  const refundEntries = ledger.filter((entry) => entry.type === 'REFUND' && entry.purchaseId === purchaseId);
  const refunded = refunds.reduce((sum, item) => sum + item.amountCents, 0);
  expect(refundEntries.reduce((sum, entry) => sum + entry.amountCents, 0)).toBe(refunded);
  expect(purchase.body.refundedCents).toBe(refunded);
  expect(purchase.body.refunds).toEqual(refunds);
  expect(refunded).toBeLessThanOrEqual(purchase.body.totalCents);
}

// After the load above: the ledger, the holds, the refunds and the audit trail all agree.
afterAll(async () => {
  await expectBooksToBalance();
});

describe('POST /v1/purchases/{purchaseId}/refunds', () => {
  it('refunds all that remains when neither amount nor quantity is given', async () => {
    const { customerId, purchase } = await purchased(12.5, 2);
    const before = await creditOf(customerId);

    const answer = await refund(purchase.id, {});

    expect(answer.status).toBe(201);
    expect(answer.body.refund).toMatchObject({
      purchaseId: purchase.id,
      amountCents: 2500,
      actor: 'rep-ann',
    });
    expect(answer.body.purchase).toMatchObject({
      refundedCents: 2500,
      refundableCents: 0,
      status: 'REFUNDED',
    });
    expect(await creditOf(customerId)).toMatchObject({
      balanceCents: before.balanceCents + 2500,
      availableCents: before.availableCents + 2500,
    });
    const [latest] = await allTransactions(customerId);
    expect(latest).toMatchObject({
      type: 'REFUND',
      amountCents: 2500,
      purchaseId: purchase.id,
      refundId: answer.body.refund.id,
    });
    await expectBooksAgree(customerId, purchase.id);
  });

  it('moves COMPLETED → PARTIALLY_REFUNDED → REFUNDED, and then refuses', async () => {
    const { customerId, purchase } = await purchased(10, 1);

    const first = await refund(purchase.id, { amountCents: 400 });
    const tooMuch = await refund(purchase.id, { amountCents: 601 });
    const rest = await refund(purchase.id, { amountCents: 600 });
    const again = await refund(purchase.id, { amountCents: 1 });

    expect(first.body.purchase).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundableCents: 600 });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.error).toMatchObject({
      code: 'REFUND_EXCEEDS_REMAINING',
      details: { requestedCents: 601, refundableCents: 600 },
    });
    expect(rest.body.purchase).toMatchObject({ status: 'REFUNDED', refundableCents: 0 });
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('PURCHASE_NOT_REFUNDABLE');
    await expectBooksAgree(customerId, purchase.id);
  });

  it('refunds by quantity: every unit refunded returns exactly the total', async () => {
    const { customerId, purchase } = await purchased(3.33, 3);

    const one = await refund(purchase.id, { quantity: 1 });
    const tooMany = await refund(purchase.id, { quantity: 3 });
    const two = await refund(purchase.id, { quantity: 2 });

    expect(one.body.refund).toMatchObject({ amountCents: 333, quantity: 1 });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error).toMatchObject({
      code: 'REFUND_EXCEEDS_REMAINING',
      details: { requestedQuantity: 3, refundableQuantity: 2 },
    });
    expect(two.body.refund).toMatchObject({ amountCents: 666, quantity: 2 });
    expect(two.body.purchase).toMatchObject({ refundedCents: 999, status: 'REFUNDED' });
    await expectBooksAgree(customerId, purchase.id);
  });

  it('mixes refunds by amount and by quantity: the last unit returns exactly what remains', async () => {
    const { customerId, purchase } = await purchased(1, 2);

    const dime = await refund(purchase.id, { amountCents: 10 });
    const firstUnit = await refund(purchase.id, { quantity: 1 });
    const lastUnit = await refund(purchase.id, { quantity: 1 });

    expect([dime.status, firstUnit.status, lastUnit.status]).toEqual([201, 201, 201]);
    expect(firstUnit.body.refund).toMatchObject({ amountCents: 100, quantity: 1 });
    expect(lastUnit.body.refund).toMatchObject({ amountCents: 90, quantity: 1 });
    expect(lastUnit.body.purchase).toMatchObject({
      refundedCents: 200,
      refundableCents: 0,
      status: 'REFUNDED',
    });
    await expectBooksAgree(customerId, purchase.id);
  });

  it('never lets a unit refund take more than remains after refunds by amount', async () => {
    const { customerId, purchase } = await purchased(1, 3);

    await refund(purchase.id, { amountCents: 250 });
    const unit = await refund(purchase.id, { quantity: 1 });
    const after = await refund(purchase.id, { quantity: 1 });

    expect(unit.body.refund).toMatchObject({ amountCents: 50, quantity: 1 });
    expect(unit.body.purchase).toMatchObject({ refundedCents: 300, status: 'REFUNDED' });
    expect(after.status).toBe(422);
    expect(after.body.error.code).toBe('PURCHASE_NOT_REFUNDABLE');
    await expectBooksAgree(customerId, purchase.id);
  });

  it('never refunds more than was paid under 20 concurrent partial refunds', async () => {
    const { customerId, purchase } = await purchased(10, 1);

    const answers = await Promise.all(
      Array.from({ length: 20 }, () => refund(purchase.id, { amountCents: 70 })),
    );

    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(14);
    expect(statuses.filter((status) => status === 422)).toHaveLength(6);
    const final = await api<Purchase>('GET', `/v1/purchases/${purchase.id}`);
    expect(final.body).toMatchObject({
      refundedCents: 980,
      refundableCents: 20,
      status: 'PARTIALLY_REFUNDED',
    });
    await expectBooksAgree(customerId, purchase.id);
  });

  it('refunds once for a replayed Idempotency-Key', async () => {
    const { customerId, purchase } = await purchased(10, 1);
    const headers = { 'idempotency-key': `refund-${purchase.id}` };

    const first = await refund(purchase.id, { amountCents: 100 }, headers);
    const replay = await refund(purchase.id, { amountCents: 100 }, headers);

    expect(replay.status).toBe(201);
    expect(replay.body.refund.id).toBe(first.body.refund.id);
    expect((await allPages<Refund>(`/v1/purchases/${purchase.id}/refunds`)).length).toBe(1);
    await expectBooksAgree(customerId, purchase.id);
  });

  it.each([
    [{ amountCents: 100, quantity: 1 }, 'body.amountCents'],
    [{ amountCents: 0 }, 'body.amountCents'],
    [{ quantity: 0 }, 'body.quantity'],
    [{ reason: '' }, 'body.reason'],
  ])('rejects %j with 400 naming the field', async (body, path) => {
    const { purchase } = await purchased(10, 1);

    const answer = await api<{ error: { code: string; details: { path: string }[] } }>(
      'POST',
      `/v1/purchases/${purchase.id}/refunds`,
      { body: { reason: 'r', ...body } },
    );

    expect(answer.status).toBe(400);
    expect(answer.body.error.details.map((issue) => issue.path)).toContain(path);
  });

  it('answers 404 for a purchase that does not exist, to both routes', async () => {
    const post = await refund('01HZZZZZZZZZZZZZZZZZZZZZZZ', {});
    const list = await api<RefundAnswer>('GET', '/v1/purchases/01HZZZZZZZZZZZZZZZZZZZZZZZ/refunds');

    expect([post.status, list.status]).toEqual([404, 404]);
    expect(post.body.error.code).toBe('PURCHASE_NOT_FOUND');
  });
});

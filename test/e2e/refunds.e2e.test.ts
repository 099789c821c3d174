import { afterAll, describe, expect, it } from '@jest/globals';
import type { Schemas } from '../../clients/typescript/src/index.ts';
import {
  allTransactions,
  api,
  client,
  creditOf,
  customerAndProduct,
  dataOf,
  errorOf,
  everyPage,
} from '../support/api-client.ts';
import { expectBooksToBalance } from '../support/reconcile.ts';

/** A customer with 1,000.00 of credit who bought `quantity` units at `price` dollars. */
async function purchased(
  price: number,
  quantity: number,
): Promise<{ customerId: string; purchase: Schemas['Purchase'] }> {
  const { customerId, productId } = await customerAndProduct(100_000, price);
  const answer = await client().POST('/v1/purchases', { body: { customerId, productId, quantity } });
  expect(answer.response.status).toBe(201);
  return { customerId, purchase: dataOf(answer) };
}

/** A refund by a support rep, by amount, by quantity or (neither) of all that remains. */
const refund = (
  purchaseId: string,
  by: { amountCents?: number } | { quantity?: number },
  idempotencyKey?: string,
) =>
  client({ role: 'support', sub: 'rep-ann' }).POST('/v1/purchases/{purchaseId}/refunds', {
    params: {
      path: { purchaseId },
      header: idempotencyKey === undefined ? {} : { 'Idempotency-Key': idempotencyKey },
    },
    body: { reason: 'test refund', ...by },
  });

const readPurchase = (purchaseId: string) =>
  client().GET('/v1/purchases/{purchaseId}', { params: { path: { purchaseId } } });

const refundsOf = (purchaseId: string) =>
  everyPage((query) =>
    client().GET('/v1/purchases/{purchaseId}/refunds', { params: { path: { purchaseId }, query } }),
  );

/** Balance, ledger and purchase agree to the cent. */
async function expectBooksAgree(customerId: string, purchaseId: string): Promise<void> {
  const credit = await creditOf(customerId);
  const ledger = await allTransactions(customerId);
  const purchase = dataOf(await readPurchase(purchaseId));
  const refunds = await refundsOf(purchaseId);
  expect(ledger.reduce((sum, entry) => sum + entry.amountCents, 0)).toBe(credit.balanceCents);
  const refundEntries = ledger.filter((entry) => entry.type === 'REFUND' && entry.purchaseId === purchaseId);
  const refunded = refunds.reduce((sum, item) => sum + item.amountCents, 0);
  expect(refundEntries.reduce((sum, entry) => sum + entry.amountCents, 0)).toBe(refunded);
  expect(purchase.refundedCents).toBe(refunded);
  expect(purchase.refunds).toEqual(refunds);
  expect(refunded).toBeLessThanOrEqual(purchase.totalCents);
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

    expect(answer.response.status).toBe(201);
    expect(answer.data?.refund).toMatchObject({
      purchaseId: purchase.id,
      amountCents: 2500,
      actor: 'rep-ann',
    });
    expect(answer.data?.purchase).toMatchObject({
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
      refundId: answer.data?.refund.id,
    });
    await expectBooksAgree(customerId, purchase.id);
  });

  it('moves COMPLETED → PARTIALLY_REFUNDED → REFUNDED, and then refuses', async () => {
    const { customerId, purchase } = await purchased(10, 1);

    const first = await refund(purchase.id, { amountCents: 400 });
    const tooMuch = await refund(purchase.id, { amountCents: 601 });
    const rest = await refund(purchase.id, { amountCents: 600 });
    const again = await refund(purchase.id, { amountCents: 1 });

    expect(dataOf(first).purchase).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundableCents: 600 });
    expect(tooMuch.response.status).toBe(422);
    expect(errorOf(tooMuch)).toMatchObject({
      code: 'REFUND_EXCEEDS_REMAINING',
      details: { requestedCents: 601, refundableCents: 600 },
    });
    expect(dataOf(rest).purchase).toMatchObject({ status: 'REFUNDED', refundableCents: 0 });
    expect(again.response.status).toBe(422);
    expect(errorOf(again).code).toBe('PURCHASE_NOT_REFUNDABLE');
    await expectBooksAgree(customerId, purchase.id);
  });

  it('refunds by quantity: every unit refunded returns exactly the total', async () => {
    const { customerId, purchase } = await purchased(3.33, 3);

    const one = await refund(purchase.id, { quantity: 1 });
    const tooMany = await refund(purchase.id, { quantity: 3 });
    const two = await refund(purchase.id, { quantity: 2 });

    expect(dataOf(one).refund).toMatchObject({ amountCents: 333, quantity: 1 });
    expect(tooMany.response.status).toBe(422);
    expect(errorOf(tooMany)).toMatchObject({
      code: 'REFUND_EXCEEDS_REMAINING',
      details: { requestedQuantity: 3, refundableQuantity: 2 },
    });
    expect(dataOf(two)).toMatchObject({
      refund: { amountCents: 666, quantity: 2 },
      purchase: { refundedCents: 999, status: 'REFUNDED' },
    });
    await expectBooksAgree(customerId, purchase.id);
  });

  it('mixes refunds by amount and by quantity: the last unit returns exactly what remains', async () => {
    const { customerId, purchase } = await purchased(1, 2);

    const dime = await refund(purchase.id, { amountCents: 10 });
    const firstUnit = await refund(purchase.id, { quantity: 1 });
    const lastUnit = await refund(purchase.id, { quantity: 1 });

    expect([dime, firstUnit, lastUnit].map((answer) => answer.response.status)).toEqual([201, 201, 201]);
    expect(dataOf(firstUnit).refund).toMatchObject({ amountCents: 100, quantity: 1 });
    expect(dataOf(lastUnit).refund).toMatchObject({ amountCents: 90, quantity: 1 });
    expect(dataOf(lastUnit).purchase).toMatchObject({
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

    expect(dataOf(unit)).toMatchObject({
      refund: { amountCents: 50, quantity: 1 },
      purchase: { refundedCents: 300, status: 'REFUNDED' },
    });
    expect(after.response.status).toBe(422);
    expect(errorOf(after).code).toBe('PURCHASE_NOT_REFUNDABLE');
    await expectBooksAgree(customerId, purchase.id);
  });

  it('never refunds more than was paid under 20 concurrent partial refunds', async () => {
    const { customerId, purchase } = await purchased(10, 1);

    const answers = await Promise.all(
      Array.from({ length: 20 }, () => refund(purchase.id, { amountCents: 70 })),
    );

    const statuses = answers.map((answer) => answer.response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(14);
    expect(statuses.filter((status) => status === 422)).toHaveLength(6);
    expect(dataOf(await readPurchase(purchase.id))).toMatchObject({
      refundedCents: 980,
      refundableCents: 20,
      status: 'PARTIALLY_REFUNDED',
    });
    await expectBooksAgree(customerId, purchase.id);
  });

  it('refunds once for a replayed Idempotency-Key', async () => {
    const { customerId, purchase } = await purchased(10, 1);
    const key = `refund-${purchase.id}`;

    const first = await refund(purchase.id, { amountCents: 100 }, key);
    const replay = await refund(purchase.id, { amountCents: 100 }, key);

    expect(replay.response.status).toBe(201);
    expect(dataOf(replay).refund.id).toBe(dataOf(first).refund.id);
    expect(await refundsOf(purchase.id)).toHaveLength(1);
    await expectBooksAgree(customerId, purchase.id);
  });

  it.each([
    [{ amountCents: 100, quantity: 1 }, 'body.amountCents'],
    [{ amountCents: 0 }, 'body.amountCents'],
    [{ quantity: 0 }, 'body.quantity'],
    [{ reason: '' }, 'body.reason'],
  ])('rejects %j with 400 naming the field', async (body, path) => {
    const { purchase } = await purchased(10, 1);

    // Raw: the typed client refuses the first at compile time, and would not send it.
    const answer = await api<Schemas['ValidationFailedError']>(
      'POST',
      `/v1/purchases/${purchase.id}/refunds`,
      {
        body: { reason: 'r', ...body },
      },
    );

    expect(answer.status).toBe(400);
    expect(answer.body.error.details.map((issue) => issue.path)).toContain(path);
  });

  it('answers 404 for a purchase that does not exist, to both routes', async () => {
    const unknown = '01HZZZZZZZZZZZZZZZZZZZZZZZ';
    const post = await refund(unknown, {});
    const list = await client().GET('/v1/purchases/{purchaseId}/refunds', {
      params: { path: { purchaseId: unknown } },
    });

    expect([post.response.status, list.response.status]).toEqual([404, 404]);
    expect([errorOf(post).code, errorOf(list).code]).toEqual(['PURCHASE_NOT_FOUND', 'PURCHASE_NOT_FOUND']);
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Schemas } from '../../clients/typescript/src/index.ts';
import {
  allTransactions,
  api,
  type CallRecord,
  callLog,
  client,
  createProduct,
  creditOf,
  customerAndProduct,
  dataOf,
  errorOf,
  everyPage,
  type FaultRule,
  mock,
  setFaults,
} from '../support/api-client.ts';
import { expectBooksToBalance } from '../support/reconcile.ts';

/** Buys through the typed client, with an Idempotency-Key when given one. */
const buy = (body: Schemas['CreatePurchaseRequest'], idempotencyKey?: string) =>
  client().POST('/v1/purchases', {
    body,
    params: { header: idempotencyKey === undefined ? {} : { 'Idempotency-Key': idempotencyKey } },
  });

const readPurchase = (purchaseId: string) =>
  client().GET('/v1/purchases/{purchaseId}', { params: { path: { purchaseId } } });

/** Every purchase of a customer (and of a product, when given), newest first. */
const purchasesOf = (filter: { customerId?: string; productId?: string }) =>
  everyPage((page) => client().GET('/v1/purchases', { params: { query: { ...filter, ...page } } }));

/**
 * Buys as the contract tells a client to: with an Idempotency-Key, and again with the same key after
 * a 503 (an overloaded DynamoDB, as a loaded machine makes DynamoDB Local) or a 409
 * REQUEST_IN_PROGRESS (the first attempt's saga still running), waiting as Retry-After says. Bounded.
 */
async function buyRetryingOverload(body: Schemas['CreatePurchaseRequest']) {
  const key = randomUUID();
  for (let attempt = 1; ; attempt++) {
    const answer = await buy(body, key);
    const retry = answer.response.status === 503 || answer.error?.error.code === 'REQUEST_IN_PROGRESS';
    if (!retry || attempt === 20) return answer;
    await new Promise((resolve) =>
      setTimeout(resolve, Number(answer.response.headers.get('retry-after') ?? 1) * 1000),
    );
  }
}

const shipmentCalls = async (): Promise<CallRecord[]> =>
  (await callLog()).filter((call) => call.operation === 'CreateShipment');

/** Waits (bounded) until the mock has answered `count` CreateShipment calls, late ones included. */
async function waitForShipmentAnswers(count: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const answered = (await shipmentCalls()).filter((call) => call.status !== 0);
    if (answered.length >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the mock answered fewer than ${count} CreateShipment calls`);
}

async function expectNothingBought(
  customerId: string,
  creditBefore: { balanceCents: number; availableCents: number },
) {
  const credit = await creditOf(customerId);
  expect(credit).toMatchObject({ ...creditBefore, heldCents: 0 });
  expect(await purchasesOf({ customerId })).toEqual([]);
  expect((await allTransactions(customerId)).filter((entry) => entry.type === 'PURCHASE')).toEqual([]);
}

beforeEach(async () => {
  await mock('DELETE', '/__control/calls');
});

afterEach(async () => {
  await setFaults([]);
});

// After the load above: the ledger, the holds, the refunds and the audit trail all agree.
afterAll(async () => {
  await expectBooksToBalance();
});

describe('POST /v1/purchases', () => {
  it('buys 3 units: charges the exact total, ships them to the current address, and records the purchase', async () => {
    const { customerId, productId, sku } = await customerAndProduct(10_000, 12.34);

    const answer = await buy({ customerId, productId, quantity: 3 });

    expect(answer.response.status).toBe(201);
    const purchase = dataOf(answer);
    expect(purchase).toMatchObject({
      customerId,
      productId,
      sku,
      quantity: 3,
      unitPriceCents: 1234,
      subtotalCents: 3702,
      discountCents: 0,
      totalCents: 3702,
      refundedCents: 0,
      refundableCents: 3702,
      status: 'COMPLETED',
      product: { id: productId, sku, priceCents: 1234 },
      customer: { id: customerId, shippingAddress: { line1: '1 Test St', city: 'Testville' } },
    });
    expect(await creditOf(customerId)).toMatchObject({
      balanceCents: 6298,
      availableCents: 6298,
      heldCents: 0,
    });
    const [latest] = await allTransactions(customerId);
    expect(latest).toMatchObject({
      type: 'PURCHASE',
      amountCents: -3702,
      balanceAfterCents: 6298,
      availableAfterCents: 6298,
      purchaseId: purchase.id,
    });

    const shipments = await shipmentCalls();
    expect(shipments).toHaveLength(1);
    expect(shipments[0]).toMatchObject({
      idempotencyKey: `purchase-${purchase.id}`,
      shipmentId: purchase.shipmentId,
      body: { shippingAddress: purchase.customer.shippingAddress, products: [{ sku, quantity: 3 }] },
    });
  });

  it('defaults the quantity to 1 and can be read back, with its (empty) refunds', async () => {
    const { customerId, productId } = await customerAndProduct(1_000, 2.5);
    const purchase = dataOf(await buy({ customerId, productId }));

    const read = await readPurchase(purchase.id);

    expect(purchase.quantity).toBe(1);
    expect(read.response.status).toBe(200);
    expect(read.data).toEqual({ ...purchase, refunds: [] });
  });

  it.each([
    {
      name: 'HTTP 500',
      fault: { kind: 'status', status: 500 },
      status: 502,
      code: 'SHIPMENT_FAILED',
      calls: 1,
    },
    {
      name: 'HTTP 503 (retried twice)',
      fault: { kind: 'status', status: 503 },
      status: 502,
      code: 'SHIPMENT_FAILED',
      calls: 3,
    },
    {
      name: 'HTTP 400',
      fault: { kind: 'status', status: 400 },
      status: 502,
      code: 'SHIPMENT_FAILED',
      calls: 1,
    },
    { name: 'a connection reset', fault: { kind: 'reset' }, status: 502, code: 'SHIPMENT_FAILED', calls: 1 },
    {
      name: 'a malformed 200 body',
      fault: { kind: 'malformed' },
      status: 502,
      code: 'SHIPMENT_FAILED',
      calls: 1,
    },
    {
      name: 'a delay past the timeout',
      fault: { kind: 'delay', delayMs: 3_500 },
      status: 504,
      code: 'UPSTREAM_TIMEOUT',
      calls: 1,
    },
  ] as const)(
    'answers CreateShipment $name with $status $code and takes nothing',
    async ({ fault, status, code, calls }) => {
      const { customerId, productId } = await customerAndProduct(5_000, 10);
      await buy({ customerId, productId }); // one purchase before, so "as before" is not just zero
      const before = await creditOf(customerId);
      const purchasesBefore = await purchasesOf({ customerId });
      await mock('DELETE', '/__control/calls');
      await setFaults([{ operation: 'CreateShipment', ...fault } as FaultRule]);

      const answer = await buy({ customerId, productId });

      expect(answer.response.status).toBe(status);
      const failure = errorOf(answer);
      expect(failure.code).toBe(code);
      expect(failure.message).toContain('No purchase was saved and no credit was taken.');
      expect(await shipmentCalls()).toHaveLength(calls);
      const credit = await creditOf(customerId);
      expect(credit).toMatchObject({
        balanceCents: before.balanceCents,
        availableCents: before.availableCents,
        heldCents: 0,
      });
      expect(await purchasesOf({ customerId })).toEqual(purchasesBefore);
      expect((await allTransactions(customerId)).filter((entry) => entry.type === 'PURCHASE')).toHaveLength(
        1,
      );
      const failed = failure.code === 'SHIPMENT_FAILED' || failure.code === 'UPSTREAM_TIMEOUT';
      const read = await readPurchase(String(failed ? failure.details.purchaseId : undefined));
      expect(errorOf(read).code).toBe('PURCHASE_NOT_FOUND');
    },
  );

  it('sells exactly what the credit covers under 100 concurrent purchases, never more', async () => {
    const { customerId, productId } = await customerAndProduct(3_700, 1);

    const answers = await Promise.all(
      Array.from({ length: 100 }, () => buyRetryingOverload({ customerId, productId })),
    );

    const byStatus: Record<string, number> = {};
    for (const answer of answers) {
      const key = answer.data ? '201' : `${answer.response.status} ${answer.error?.error.code ?? ''}`;
      byStatus[key] = (byStatus[key] ?? 0) + 1;
    }
    expect(byStatus).toEqual({ '201': 37, '422 INSUFFICIENT_CREDIT': 63 });
    expect(await creditOf(customerId)).toMatchObject({ balanceCents: 0, availableCents: 0, heldCents: 0 });
    const shipments = await shipmentCalls();
    expect(shipments).toHaveLength(37);
    expect(new Set(shipments.map((call) => call.idempotencyKey)).size).toBe(37);
    const ledger = await allTransactions(customerId);
    expect(ledger.filter((entry) => entry.type === 'PURCHASE')).toHaveLength(37);
    expect(ledger.reduce((sum, entry) => sum + entry.amountCents, 0)).toBe(0);
    expect(await purchasesOf({ customerId })).toHaveLength(37);
  });

  it('charges the price of the moment, and keeps what each purchase was charged', async () => {
    const { customerId, productId } = await customerAndProduct(10_000, 5);
    const first = dataOf(await buy({ customerId, productId }));
    await mock('PATCH', `/products/${productId}`, { price: 7.25 });

    const second = dataOf(await buy({ customerId, productId }));

    expect(second).toMatchObject({ unitPriceCents: 725, totalCents: 725, product: { priceCents: 725 } });
    const firstNow = dataOf(await readPurchase(first.id));
    expect(firstNow).toMatchObject({
      unitPriceCents: 500,
      totalCents: 500,
      product: { priceCents: 500 },
    });
    expect(firstNow.product.lastModifiedAt < second.product.lastModifiedAt).toBe(true);
    expect(await creditOf(customerId)).toMatchObject({ balanceCents: 10_000 - 500 - 725 });
  });

  it('ships to the address of the moment, and keeps where each purchase was shipped', async () => {
    const { customerId, productId } = await customerAndProduct(10_000, 5);
    const first = dataOf(await buy({ customerId, productId }));
    const moved = { line1: '9 New Rd', city: 'Elsewhere', postalCode: '99999', state: 'NW', country: 'US' };
    await mock('PATCH', `/customers/${customerId}`, { shippingAddress: moved });

    const second = dataOf(await buy({ customerId, productId }));

    expect(second.customer.shippingAddress).toEqual(moved);
    const firstNow = dataOf(await readPurchase(first.id));
    expect(firstNow.customer.shippingAddress.line1).toBe('1 Test St');
    const shipments = await shipmentCalls();
    expect(
      shipments.map((call) => (call.body as { shippingAddress: Schemas['Address'] }).shippingAddress.line1),
    ).toEqual(['1 Test St', '9 New Rd']);
  });

  it.each([
    ['customer', 'CUSTOMER_NOT_FOUND'],
    ['product', 'PRODUCT_NOT_FOUND'],
  ] as const)('answers an unknown %s with 404 %s and holds nothing', async (unknown, code) => {
    const { customerId, productId } = await customerAndProduct(1_000, 1);
    const before = await creditOf(customerId);

    const answer = await buy(
      unknown === 'customer'
        ? { customerId: 'no-such-customer', productId }
        : { customerId, productId: 'no-such-product' },
    );

    expect(answer.response.status).toBe(404);
    expect(errorOf(answer).code).toBe(code);
    expect(await shipmentCalls()).toEqual([]);
    await expectNothingBought(customerId, before);
  });

  it('answers 422 INSUFFICIENT_CREDIT without shipping when the credit does not cover the total', async () => {
    const { customerId, productId } = await customerAndProduct(999, 5);

    const answer = await buy({ customerId, productId, quantity: 2 });

    expect(answer.response.status).toBe(422);
    expect(errorOf(answer)).toMatchObject({
      code: 'INSUFFICIENT_CREDIT',
      details: { availableCents: 999, requestedCents: 1000 },
    });
    expect(await shipmentCalls()).toEqual([]);
    await expectNothingBought(customerId, { balanceCents: 999, availableCents: 999 });
  });

  it('answers 502 UPSTREAM_ERROR for a price that is not a whole number of cents, and holds nothing', async () => {
    const { customerId, productId } = await customerAndProduct(1_000, 1.005);

    const answer = await buy({ customerId, productId });

    expect(answer.response.status).toBe(502);
    expect(errorOf(answer).code).toBe('UPSTREAM_ERROR');
    await expectNothingBought(customerId, { balanceCents: 1_000, availableCents: 1_000 });
  });

  it('answers 502 UPSTREAM_ERROR for a product too large to keep with the purchase, and holds nothing', async () => {
    const { customerId } = await customerAndProduct(1_000, 1);
    const product = await createProduct(1, 'Huge Product', 'x'.repeat(400 * 1024));

    const answer = await buy({ customerId, productId: product.id });

    expect(answer.response.status).toBe(502);
    expect(errorOf(answer)).toMatchObject({ code: 'UPSTREAM_ERROR', details: { operation: 'GetProduct' } });
    await expectNothingBought(customerId, { balanceCents: 1_000, availableCents: 1_000 });
  });

  it('answers 502 UPSTREAM_ERROR, holding and shipping nothing, for a product whose SKU is 60,000 characters and description 340,000', async () => {
    // The quote fits under 400 KB, but the purchase's answer (which carries the SKU twice, as the
    // contract has it) does not fit an idempotency record, and so cannot be made safely.
    const { customerId } = await customerAndProduct(10_000, 1);
    const sku = 'S'.repeat(60_000);
    const product = await mock<{ id: string }>('POST', '/products', {
      sku,
      name: 'Long SKU',
      description: 'd'.repeat(340_000),
      price: 12.34,
    });
    const key = randomUUID();

    const answer = await buy({ customerId, productId: product.id }, key);
    const retried = await buy({ customerId, productId: product.id }, key);

    expect([answer.response.status, retried.response.status]).toEqual([502, 502]);
    expect(errorOf(answer)).toMatchObject({ code: 'UPSTREAM_ERROR', details: { operation: 'GetProduct' } });
    expect(errorOf(retried).code).toBe('UPSTREAM_ERROR');
    expect(await shipmentCalls()).toEqual([]);
    await expectNothingBought(customerId, { balanceCents: 10_000, availableCents: 10_000 });
  });

  it('refuses a promo code that does not exist with 422 PROMO_CODE_INVALID and holds nothing', async () => {
    const { customerId, productId } = await customerAndProduct(1_000, 1);

    const answer = await buy({ customerId, productId, promoCode: 'SAVE10' });

    expect(answer.response.status).toBe(422);
    expect(errorOf(answer)).toMatchObject({ code: 'PROMO_CODE_INVALID', details: { reason: 'UNKNOWN' } });
    await expectNothingBought(customerId, { balanceCents: 1_000, availableCents: 1_000 });
  });

  it.each([
    [{ quantity: 0 }, 'body.quantity'],
    [{ quantity: 101 }, 'body.quantity'],
    [{ quantity: 1.5 }, 'body.quantity'],
    [{ surprise: true }, 'body.surprise'],
  ])('rejects %j with 400 naming the field', async (extra, path) => {
    // Raw: the typed client would not send what its types refuse (an unknown field).
    const { customerId, productId } = await customerAndProduct(1_000, 1);

    const answer = await api<Schemas['ValidationFailedError']>('POST', '/v1/purchases', {
      body: { customerId, productId, ...extra },
    });

    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('VALIDATION_FAILED');
    expect(answer.body.error.details.map((issue) => issue.path)).toContain(path);
    expect(await shipmentCalls()).toEqual([]);
  });
});

describe('Idempotency-Key on POST /v1/purchases', () => {
  it('makes one purchase and one shipment for 10 concurrent requests and a later replay', async () => {
    const { customerId, productId } = await customerAndProduct(10_000, 3);
    const key = `buy-${customerId}`;

    const answers = await Promise.all(Array.from({ length: 10 }, () => buy({ customerId, productId }, key)));
    const replay = await buy({ customerId, productId }, key);

    const created = answers.filter((answer) => answer.response.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(answers.every((answer) => [201, 409].includes(answer.response.status))).toBe(true);
    expect(new Set([...created, replay].map((answer) => dataOf(answer).id)).size).toBe(1);
    expect(replay.response.status).toBe(201);
    expect(replay.response.headers.get('idempotent-replayed')).toBe('true');
    expect(await shipmentCalls()).toHaveLength(1);
    expect(await creditOf(customerId)).toMatchObject({ balanceCents: 9_700, heldCents: 0 });
  });

  it('lets a purchase whose shipment failed be retried with the same key', async () => {
    const { customerId, productId } = await customerAndProduct(1_000, 3);
    const key = `retry-${customerId}`;
    await setFaults([{ operation: 'CreateShipment', kind: 'status', status: 500, count: 1 }]);

    const failed = await buy({ customerId, productId }, key);
    const retried = await buy({ customerId, productId }, key);

    expect(failed.response.status).toBe(502);
    expect(retried.response.status).toBe(201);
    expect(await creditOf(customerId)).toMatchObject({ balanceCents: 700, heldCents: 0 });
  });

  it('asks for the same shipment when a purchase that timed out is retried with the same key', async () => {
    const { customerId, productId } = await customerAndProduct(1_000, 3);
    const key = `slow-${customerId}`;
    // The Shipment API processes the first call, but only after our 3 s timeout.
    await setFaults([{ operation: 'CreateShipment', kind: 'delay', delayMs: 3_500, count: 1 }]);

    const timedOut = await buy({ customerId, productId }, key);
    const retried = await buy({ customerId, productId }, key);
    await waitForShipmentAnswers(2);

    expect(timedOut.response.status).toBe(504);
    expect(retried.response.status).toBe(201);
    const calls = await shipmentCalls();
    expect(calls).toHaveLength(2);
    expect(new Set(calls.map((call) => call.idempotencyKey)).size).toBe(1);
    expect(new Set(calls.map((call) => call.shipmentId))).toEqual(new Set([dataOf(retried).shipmentId]));
    expect(await creditOf(customerId)).toMatchObject({ balanceCents: 700, heldCents: 0 });
  });

  it('derives the shipment key from the Idempotency-Key when there is one, else from the purchase', async () => {
    const { customerId, productId } = await customerAndProduct(1_000, 1);

    const keyed = await buy({ customerId, productId }, `keyed-${customerId}`);
    const keyless = await buy({ customerId, productId });

    expect([keyed.response.status, keyless.response.status]).toEqual([201, 201]);
    const keys = (await shipmentCalls()).map((call) => call.idempotencyKey);
    expect(keys).toEqual([
      expect.stringMatching(/^purchase-op-[0-9a-f]{64}$/),
      `purchase-${dataOf(keyless).id}`,
    ]);
  });
});

describe('GET /v1/purchases', () => {
  it('lists by customer, by product, by both and all, newest first, page by page', async () => {
    const { customerId, productId } = await customerAndProduct(10_000, 1);
    const other = await createProduct(2);
    const bought: string[] = [];
    for (const id of [productId, other.id, productId]) {
      bought.push(dataOf(await buy({ customerId, productId: id })).id);
    }
    const newestFirst = [...bought].reverse();
    const list = (query: { customerId?: string; limit: number; cursor?: string }) =>
      client().GET('/v1/purchases', { params: { query } });

    const firstPage = dataOf(await list({ customerId, limit: 2 }));
    const secondPage = dataOf(await list({ customerId, limit: 2, cursor: firstPage.nextCursor ?? '' }));

    expect(firstPage.items.map((purchase) => purchase.id)).toEqual(newestFirst.slice(0, 2));
    expect(secondPage.items.map((purchase) => purchase.id)).toEqual(newestFirst.slice(2));
    expect(secondPage.nextCursor).toBeNull();
    const byProduct = await purchasesOf({ productId });
    expect(byProduct.map((purchase) => purchase.id)).toEqual([bought[2], bought[0]]);
    const byBoth = await purchasesOf({ customerId, productId: other.id });
    expect(byBoth.map((purchase) => purchase.id)).toEqual([bought[1]]);
    const latest = dataOf(await list({ limit: 3 }));
    expect(latest.items.map((purchase) => purchase.id)).toEqual(newestFirst);
  });

  it('answers 404 PURCHASE_NOT_FOUND for an id it never issued', async () => {
    const answer = await readPurchase('01HZZZZZZZZZZZZZZZZZZZZZZZ');

    expect(answer.response.status).toBe(404);
    expect(errorOf(answer).code).toBe('PURCHASE_NOT_FOUND');
  });

  it('rejects a cursor it did not give out', async () => {
    const answer = await client().GET('/v1/purchases', { params: { query: { cursor: 'bm9wZQ' } } });

    expect(answer.response.status).toBe(400);
    expect(errorOf(answer).code).toBe('VALIDATION_FAILED');
  });
});

import { describe, expect, it, jest } from '@jest/globals';
import type { Purchase, PurchaseSagaInput } from '../../functions/purchases/purchase.schemas.ts';
import { createPurchase, type PurchaseDeps, type SagaOutcome } from '../../functions/purchases/purchase.ts';
import { DuplicatePurchaseError } from '../../functions/purchases/reservation.ts';
import {
  type AppError,
  InsufficientCreditError,
  UpstreamError,
  UpstreamTimeoutError,
} from '../../functions/shared/errors.ts';
import { toTaskError } from '../../functions/shared/saga/task-errors.ts';

const REQUEST = { customerId: 'c1', productId: 'p1', quantity: 2 };
const PURCHASE: Purchase = {
  id: 'purchase-1',
  customerId: 'c1',
  productId: 'p1',
  sku: 'SKU-1',
  quantity: 2,
  unitPriceCents: 500,
  subtotalCents: 1000,
  discountCents: 0,
  totalCents: 1000,
  refundedCents: 0,
  refundableCents: 1000,
  status: 'COMPLETED',
  shipmentId: 'shp-1',
  product: {
    id: 'p1',
    sku: 'SKU-1',
    name: 'Thing',
    description: '',
    priceCents: 500,
    lastModifiedAt: '2026-01-01T00:00:00.000Z',
  },
  customer: {
    id: 'c1',
    name: 'John',
    email: 'j@example.com',
    shippingAddress: { line1: '1 Main', city: 'X', postalCode: '1', state: 'S', country: 'US' },
    lastModifiedAt: '2026-01-01T00:00:00.000Z',
  },
  createdAt: '2026-11-21T12:00:00.000Z',
  updatedAt: '2026-11-21T12:00:00.000Z',
};

/** What Lambda reports, and Step Functions passes on, when a task throws `error`. */
const reportOf = (error: Error): string =>
  JSON.stringify({ errorType: error.name, errorMessage: error.message, trace: [] });

function makeDeps(outcome: SagaOutcome, stored: Purchase | undefined = undefined) {
  const run = jest.fn(async (_input: PurchaseSagaInput) => outcome);
  const deps: PurchaseDeps = {
    saga: { run },
    purchases: {
      getPurchase: async () => stored,
      listPurchases: async () => ({ items: [], nextCursor: null }),
    },
    newId: () => 'purchase-1',
  };
  return { deps, run };
}

async function failureOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected a failure');
}

describe('createPurchase', () => {
  it('starts the saga with the purchase id, the actor and the operation, and answers its output', async () => {
    const { deps, run } = makeDeps({ status: 'SUCCEEDED', output: JSON.stringify(PURCHASE) });

    const purchase = await createPurchase(deps, REQUEST, { actor: 'rep-1', operationId: 'op-1' });

    expect(purchase).toEqual(PURCHASE);
    expect(run).toHaveBeenCalledWith({
      purchaseId: 'purchase-1',
      ...REQUEST,
      actor: 'rep-1',
      operationId: 'op-1',
    });
  });

  it('turns a task error back into the domain error, code and details intact', async () => {
    const thrown = toTaskError(
      new InsufficientCreditError({ customerId: 'c1', availableCents: 5, requestedCents: 1000 }),
    );
    const { deps } = makeDeps({ status: 'FAILED', error: thrown.name, cause: reportOf(thrown) });

    const error = await failureOf(createPurchase(deps, REQUEST, { actor: 'a' }));

    expect(error).toMatchObject({
      code: 'INSUFFICIENT_CREDIT',
      details: { customerId: 'c1', availableCents: 5, requestedCents: 1000 },
    });
  });

  it('answers a compensated shipment failure with SHIPMENT_FAILED, saying nothing was taken', async () => {
    const thrown = toTaskError(new UpstreamError('CreateShipment', 'answered HTTP 500'));
    const { deps } = makeDeps({ status: 'FAILED', error: 'ShipmentFailed', cause: reportOf(thrown) });

    const error = await failureOf(createPurchase(deps, REQUEST, { actor: 'a' }));

    expect(error.code).toBe('SHIPMENT_FAILED');
    expect(error.message).toContain('No purchase was saved and no credit was taken.');
    expect(error.details).toEqual({ purchaseId: 'purchase-1', reason: 'answered HTTP 500' });
  });

  it('answers a compensated shipment timeout with UPSTREAM_TIMEOUT', async () => {
    const thrown = toTaskError(new UpstreamTimeoutError('CreateShipment', 3000));
    const { deps } = makeDeps({ status: 'FAILED', error: 'ShipmentFailed', cause: reportOf(thrown) });

    const error = await failureOf(createPurchase(deps, REQUEST, { actor: 'a' }));

    expect(error.code).toBe('UPSTREAM_TIMEOUT');
    expect(error.message).toContain('No purchase was saved and no credit was taken.');
  });

  it('answers a Fail state without a report (a step that is not ours failed) as SHIPMENT_FAILED', async () => {
    const { deps } = makeDeps({ status: 'FAILED', error: 'ShipmentFailed', cause: 'States.Timeout' });

    expect((await failureOf(createPurchase(deps, REQUEST, { actor: 'a' }))).code).toBe('SHIPMENT_FAILED');
  });

  it('answers an Idempotency-Key that already bought with that purchase, or 409 while it runs', async () => {
    const thrown = toTaskError(new DuplicatePurchaseError('purchase-0'));
    const outcome: SagaOutcome = { status: 'FAILED', error: thrown.name, cause: reportOf(thrown) };

    expect(await createPurchase(makeDeps(outcome, PURCHASE).deps, REQUEST, { actor: 'a' })).toEqual(PURCHASE);
    expect((await failureOf(createPurchase(makeDeps(outcome).deps, REQUEST, { actor: 'a' }))).code).toBe(
      'REQUEST_IN_PROGRESS',
    );
  });

  it('answers an execution that timed out with UPSTREAM_TIMEOUT naming the purchase', async () => {
    const { deps } = makeDeps({ status: 'TIMED_OUT' });

    const error = await failureOf(createPurchase(deps, REQUEST, { actor: 'a' }));

    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', details: { purchaseId: 'purchase-1' } });
  });

  it('lets an unexplained failure through as an internal error', async () => {
    const { deps } = makeDeps({
      status: 'FAILED',
      error: 'TypeError',
      cause: reportOf(new TypeError('x is undefined')),
    });

    const error = await failureOf(createPurchase(deps, REQUEST, { actor: 'a' }));

    expect(error.code).toBeUndefined();
  });

  it('refuses a promo code without starting the saga', async () => {
    const { deps, run } = makeDeps({ status: 'SUCCEEDED', output: JSON.stringify(PURCHASE) });

    const error = await failureOf(createPurchase(deps, { ...REQUEST, promoCode: 'SAVE10' }, { actor: 'a' }));

    expect(error.code).toBe('PROMO_CODE_INVALID');
    expect(run).not.toHaveBeenCalled();
  });
});

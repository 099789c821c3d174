import { describe, expect, it, jest } from '@jest/globals';
import type { Purchase, PurchaseSagaInput } from '../../functions/purchases/purchase.schemas.ts';
import { createPurchase, type PurchaseDeps, type SagaOutcome } from '../../functions/purchases/purchase.ts';
import { DuplicatePurchaseError } from '../../functions/purchases/saga/reservation.ts';
import { decodeFailure } from '../../functions/purchases/step-functions-saga.ts';
import {
  type AppError,
  InsufficientCreditError,
  UpstreamError,
  UpstreamTimeoutError,
} from '../../functions/shared/errors.ts';
import { toTaskError } from '../../functions/shared/saga/task-errors.ts';
import { CUSTOMER_SNAPSHOT, productSnapshot } from '../support/fixtures.ts';

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
  product: productSnapshot(500),
  customer: CUSTOMER_SNAPSHOT,
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
  it('starts the saga with the purchase id, the actor and the operation, and answers its purchase', async () => {
    const { deps, run } = makeDeps(
      { kind: 'purchased', purchaseId: 'purchase-1' },
      { ...PURCHASE, refunds: [] },
    );

    const purchase = await createPurchase(deps, REQUEST, { actor: 'rep-1', operationId: 'op-1' });

    expect(purchase).toEqual(PURCHASE);
    expect(run).toHaveBeenCalledWith({
      purchaseId: 'purchase-1',
      ...REQUEST,
      actor: 'rep-1',
      operationId: 'op-1',
    });
  });

  it('answers a refusal with its own error', async () => {
    const refusal = new InsufficientCreditError({
      customerId: 'c1',
      availableCents: 5,
      requestedCents: 1000,
    });
    const { deps } = makeDeps({ kind: 'refused', error: refusal });

    expect(await failureOf(createPurchase(deps, REQUEST, { actor: 'a' }))).toBe(refusal);
  });

  it('answers a compensated shipment failure with SHIPMENT_FAILED, saying nothing was taken', async () => {
    const { deps } = makeDeps({ kind: 'shipment-failed', timedOut: false, reason: 'answered HTTP 500' });

    const error = await failureOf(createPurchase(deps, REQUEST, { actor: 'a' }));

    expect(error.code).toBe('SHIPMENT_FAILED');
    expect(error.message).toContain('No purchase was saved and no credit was taken.');
    expect(error.details).toEqual({ purchaseId: 'purchase-1', reason: 'answered HTTP 500' });
  });

  it('answers a compensated shipment timeout with UPSTREAM_TIMEOUT', async () => {
    const { deps } = makeDeps({ kind: 'shipment-failed', timedOut: true });

    const error = await failureOf(createPurchase(deps, REQUEST, { actor: 'a' }));

    expect(error.code).toBe('UPSTREAM_TIMEOUT');
    expect(error.message).toContain('No purchase was saved and no credit was taken.');
  });

  it('answers an Idempotency-Key that already bought with that purchase as first answered, or 409 while it runs', async () => {
    const outcome: SagaOutcome = { kind: 'duplicate', purchaseId: 'purchase-1' };
    const refundedSince: Purchase = {
      ...PURCHASE,
      refundedCents: 300,
      refundableCents: 700,
      status: 'PARTIALLY_REFUNDED',
      updatedAt: '2026-11-22T09:00:00.000Z',
      refunds: [],
    };

    const replay = await createPurchase(makeDeps(outcome, refundedSince).deps, REQUEST, { actor: 'a' });

    expect(JSON.stringify(replay)).toBe(JSON.stringify(PURCHASE));
    expect((await failureOf(createPurchase(makeDeps(outcome).deps, REQUEST, { actor: 'a' }))).code).toBe(
      'REQUEST_IN_PROGRESS',
    );
  });

  it('answers an execution that timed out with UPSTREAM_TIMEOUT naming the purchase', async () => {
    const { deps } = makeDeps({ kind: 'timed-out' });

    const error = await failureOf(createPurchase(deps, REQUEST, { actor: 'a' }));

    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', details: { purchaseId: 'purchase-1' } });
  });

  it('hands the promo code to the saga, which prices and claims it', async () => {
    const { deps, run } = makeDeps({ kind: 'purchased', purchaseId: 'purchase-1' }, PURCHASE);

    await createPurchase(deps, { ...REQUEST, promoCode: 'save10' }, { actor: 'a' });

    expect(run).toHaveBeenCalledWith(expect.objectContaining({ promoCode: 'save10' }));
  });
});

describe('decodeFailure (the Step Functions adapter)', () => {
  it('turns a task error back into the domain error, code and details intact', () => {
    const thrown = toTaskError(
      new InsufficientCreditError({ customerId: 'c1', availableCents: 5, requestedCents: 1000 }),
    );

    const outcome = decodeFailure('purchase-1', thrown.name, reportOf(thrown));

    expect(outcome).toMatchObject({
      kind: 'refused',
      error: {
        code: 'INSUFFICIENT_CREDIT',
        details: { customerId: 'c1', availableCents: 5, requestedCents: 1000 },
      },
    });
  });

  it('reads a compensated shipment failure with its reason', () => {
    const thrown = toTaskError(new UpstreamError('CreateShipment', 'answered HTTP 500'));

    expect(decodeFailure('purchase-1', 'ShipmentFailed', reportOf(thrown))).toEqual({
      kind: 'shipment-failed',
      timedOut: false,
      reason: 'answered HTTP 500',
    });
  });

  it('reads a compensated shipment timeout as timed out', () => {
    const thrown = toTaskError(new UpstreamTimeoutError('CreateShipment', 3000));

    expect(decodeFailure('purchase-1', 'ShipmentFailed', reportOf(thrown))).toMatchObject({
      kind: 'shipment-failed',
      timedOut: true,
    });
  });

  it('reads a Fail state without a report (a step that is not ours failed) as a shipment failure', () => {
    expect(decodeFailure('purchase-1', 'ShipmentFailed', 'States.Timeout')).toMatchObject({
      kind: 'shipment-failed',
      timedOut: false,
    });
  });

  it('reads an Idempotency-Key that already bought as a duplicate of that purchase', () => {
    const thrown = toTaskError(new DuplicatePurchaseError('purchase-0'));

    expect(decodeFailure('purchase-1', thrown.name, reportOf(thrown))).toEqual({
      kind: 'duplicate',
      purchaseId: 'purchase-0',
    });
  });

  it('lets an unexplained failure through as an internal error', () => {
    expect(() => decodeFailure('purchase-1', 'TypeError', reportOf(new TypeError('x is undefined')))).toThrow(
      /failed with TypeError/,
    );
  });
});

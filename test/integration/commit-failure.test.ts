import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { SagaStepDeps } from '../../functions/purchases/saga/saga-ports.ts';
import { customerPartitionKey, purchasePartitionKey } from '../../functions/shared/db/keys.ts';
import { callLog, createCustomer, createProduct } from '../support/api-client.ts';
import { dynamoDbError } from '../support/aws-fault-proxy.ts';
import { type FaultyApi, startFaultyApi } from '../support/faulty-api.ts';

/**
 * After the shipment nothing may fail: a Commit that DynamoDB refuses for good (here an item over
 * its size limit, injected on the wire) must not answer 500, strand the hold for the sweeper to
 * retry forever, or leave the Idempotency-Key answering 409. The purchase goes to the review list,
 * still held, with its shipment id, and every answer about it says so.
 */

type Deps = Omit<SagaStepDeps, 'shipments'>;
type Sweeper = typeof import('../../functions/purchases/saga/sweep-reservations.ts');
type Commit = typeof import('../../functions/purchases/saga/commit-purchase.ts');

let api: FaultyApi;
let deps: Deps;
let sweeper: Sweeper;
let commit: Commit;

/** The Commit transaction: the one that puts the purchase. */
const isCommit = (body: string): boolean =>
  body.includes('"Put"') && body.includes('"entity":{"S":"PURCHASE"}');
const tooLarge = dynamoDbError('ValidationException', 'Item size has exceeded the maximum allowed size');

beforeAll(async () => {
  api = await startFaultyApi();
  // The saga's own deps, built as a cold start builds them: through the same fault proxy.
  const { getRuntime } = await import('../../functions/shared/runtime.ts');
  const { sagaStepDeps } = await import('../../functions/purchases/saga/saga.deps.ts');
  deps = sagaStepDeps(getRuntime());
  sweeper = await import('../../functions/purchases/saga/sweep-reservations.ts');
  commit = await import('../../functions/purchases/saga/commit-purchase.ts');
});

afterEach(() => {
  api.dynamo.setRules([]);
});

afterAll(async () => {
  await api?.close();
});

/** Runs the sweeper as the schedule would once every reservation is past the maximum age. */
const sweepLater = () =>
  sweeper.sweepReservations(
    { ...deps, clock: { now: () => new Date(Date.now() + 3_600_000) } },
    { maxAgeMs: 120_000, pageSize: 100, deadline: new Date(Date.now() + 60_000) },
  );

async function customerWithCredit(cents: number): Promise<string> {
  const customerId = await createCustomer();
  const granted = await api.call('POST', `/v1/customers/${customerId}/credit/grants`, {
    amountCents: cents,
    reason: 'setup',
  });
  expect(granted.status).toBe(201);
  return customerId;
}

const buy = (customerId: string, productId: string, key: string) =>
  api.call('POST', '/v1/purchases', { customerId, productId }, { 'idempotency-key': key });

async function account(customerId: string) {
  const items = await api.partition(customerPartitionKey(customerId));
  return items.find((item) => item.entity === 'CREDIT_ACCOUNT');
}

async function stored(purchaseId: string) {
  const items = await api.partition(purchasePartitionKey(purchaseId));
  return {
    reservation: items.find((item) => item.entity === 'RESERVATION'),
    purchase: items.find((item) => item.entity === 'PURCHASE'),
  };
}

const awaitingReview = async (): Promise<string[]> =>
  (await deps.reservations.listAwaitingReview({ limit: 100 })).items.map((item) => item.purchaseId);

describe('a Commit that can never be written, after the shipment went out', () => {
  it('answers 502 UPSTREAM_ERROR (never 500), keeps the hold in the review list with its shipment id, and answers its retry the same', async () => {
    const customerId = await customerWithCredit(5_000);
    const product = await createProduct(12.34);
    api.dynamo.setRules([{ operation: 'TransactWriteItems', matches: isCommit, fault: tooLarge }]);

    const answer = await buy(customerId, product.id, `commit-refused-${customerId}`);

    expect(answer.status).toBe(502);
    const details = (answer.body.error as { code: string; details: Record<string, unknown> }).details;
    expect(answer.body.error).toMatchObject({
      code: 'UPSTREAM_ERROR',
      details: { purchaseId: expect.any(String), shipmentId: expect.any(String), review: 'COMMIT_FAILED' },
    });
    const purchaseId = String(details.purchaseId);
    const shipped = (await callLog()).filter((call) => call.shipmentId === details.shipmentId);
    expect(shipped).toHaveLength(1);
    const { reservation, purchase } = await stored(purchaseId);
    expect(purchase).toBeUndefined();
    expect(reservation).toMatchObject({
      status: 'SHIPPED',
      shipmentId: details.shipmentId,
      reviewReason: 'COMMIT_FAILED',
      reviewNote: expect.stringContaining('ValidationException'),
    });
    expect(await account(customerId)).toMatchObject({ availableCents: 3_766, heldCents: 1_234 });
    expect(await awaitingReview()).toContain(purchaseId);

    const retried = await buy(customerId, product.id, `commit-refused-${customerId}`);
    expect(retried.status).toBe(502);
    expect(retried.body.error).toMatchObject({
      code: 'UPSTREAM_ERROR',
      details: { purchaseId, shipmentId: details.shipmentId, review: 'COMMIT_FAILED' },
    });

    // The sweeper leaves it to the person: no retried commit, no release.
    const swept = await sweepLater();
    expect([...swept.committed, ...swept.released, ...swept.needsReview]).not.toContain(purchaseId);
    expect((await stored(purchaseId)).reservation).toMatchObject({ status: 'SHIPPED', version: 4 });

    // Once the cause is mended, the person commits it with the saga's own step; the retry then buys.
    api.dynamo.setRules([]);
    await commit.commitPurchase(deps, { purchaseId, customerId });
    const resolved = await buy(customerId, product.id, `commit-refused-${customerId}`);
    expect(resolved.status).toBe(201);
    expect(resolved.body).toMatchObject({
      id: purchaseId,
      shipmentId: details.shipmentId,
      totalCents: 1_234,
    });
    expect(await account(customerId)).toMatchObject({ availableCents: 3_766, heldCents: 0 });
  });

  it('the sweeper sends a SHIPPED hold whose commit can never be written to the review list once, instead of retrying it every run', async () => {
    const customerId = await customerWithCredit(5_000);
    const product = await createProduct(10);
    // First the saga's Commit meets an overloaded DynamoDB until its retries are spent: a 503, and
    // the SHIPPED reservation is the sweeper's to roll forward.
    api.dynamo.setRules([
      {
        operation: 'TransactWriteItems',
        matches: isCommit,
        fault: dynamoDbError('ProvisionedThroughputExceededException'),
      },
    ]);
    const answer = await buy(customerId, product.id, `sweep-refused-${customerId}`);
    expect(answer.status).toBe(503);
    const [open] = (await deps.reservations.listOpenReservations('9999', { limit: 100 })).items.filter(
      (item) => item.customerId === customerId,
    );
    expect(open).toMatchObject({ status: 'SHIPPED' });
    const purchaseId = String(open?.purchaseId);

    // Then the roll forward meets a refusal no retry passes.
    api.dynamo.setRules([{ operation: 'TransactWriteItems', matches: isCommit, fault: tooLarge }]);
    const first = await sweepLater();
    const second = await sweepLater();

    expect(first.needsReview).toContain(purchaseId);
    expect(first.committed).not.toContain(purchaseId);
    expect([...second.committed, ...second.needsReview]).not.toContain(purchaseId);
    expect(await awaitingReview()).toContain(purchaseId);
    expect((await stored(purchaseId)).reservation).toMatchObject({
      status: 'SHIPPED',
      reviewReason: 'COMMIT_FAILED',
    });
    expect(await account(customerId)).toMatchObject({ availableCents: 4_000, heldCents: 1_000 });
    const retried = await buy(customerId, product.id, `sweep-refused-${customerId}`);
    expect(retried.status).toBe(502);
    expect(retried.body.error).toMatchObject({ code: 'UPSTREAM_ERROR', details: { purchaseId } });
  });
});

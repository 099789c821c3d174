import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { customerPartitionKey, purchasePartitionKey } from '../../functions/shared/db/keys.ts';
import { createCustomer, createProduct } from '../support/api-client.ts';
import { type AwsFaultProxy, dynamoDbError } from '../support/aws-fault-proxy.ts';
import { type Answer, type FaultyApi, startFaultyApi } from '../support/faulty-api.ts';

/**
 * Overload must be a 503 with Retry-After, never a 500 or a request left
 * waiting, and never a partial change. The real route handlers and saga steps run in this process
 * (as the local stack runs them), on the stack's DynamoDB Local and mock API, but they reach
 * DynamoDB and Step Functions through fault proxies that throttle, hang or lose answers on the wire.
 */

/** The SDK's attempts per DynamoDB call (functions/shared/db/document-client.ts). */
const DYNAMODB_ATTEMPTS = 3;

let api: FaultyApi;
let dynamo: AwsFaultProxy;
let stepFunctions: AwsFaultProxy;

beforeAll(async () => {
  api = await startFaultyApi();
  ({ dynamo, stepFunctions } = api);
});

afterEach(() => {
  dynamo.setRules([]);
  stepFunctions.setRules([]);
});

afterAll(async () => {
  await api?.close();
});

const call = (...args: Parameters<FaultyApi['call']>) => api.call(...args);
const partition = (partitionKey: string) => api.partition(partitionKey);
const customerItems = (customerId: string) => partition(customerPartitionKey(customerId));

function expectServiceUnavailable(answer: Answer): void {
  expect(answer.status).toBe(503);
  expect(answer.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
  expect(answer.body).toEqual({
    error: {
      code: 'SERVICE_UNAVAILABLE',
      message: expect.any(String),
      details: expect.any(Object),
      requestId: expect.any(String),
    },
  });
}

const grantPath = (customerId: string) => `/v1/customers/${customerId}/credit/grants`;
const deductionPath = (customerId: string) => `/v1/customers/${customerId}/credit/deductions`;

async function customerWithCredit(cents: number): Promise<string> {
  const customerId = await createCustomer();
  const granted = await call('POST', grantPath(customerId), { amountCents: cents, reason: 'setup' });
  expect(granted.status).toBe(201);
  return customerId;
}

async function purchase(customerId: string, productId: string, key: string): Promise<Answer> {
  return call('POST', '/v1/purchases', { customerId, productId }, { 'idempotency-key': key });
}

describe('overload answers 503 SERVICE_UNAVAILABLE with Retry-After and changes nothing', () => {
  it('a grant whose transaction DynamoDB throttles (ProvisionedThroughputExceededException) is a 503 after the SDK tried 3 times; its retry with the same key grants once', async () => {
    const customerId = await customerWithCredit(1_000);
    const before = await customerItems(customerId);
    dynamo.setRules([
      { operation: 'TransactWriteItems', fault: dynamoDbError('ProvisionedThroughputExceededException') },
    ]);

    const answer = await call(
      'POST',
      grantPath(customerId),
      { amountCents: 500, reason: 'goodwill' },
      { 'idempotency-key': 'throttled-grant' },
    );

    expectServiceUnavailable(answer);
    expect(dynamo.faulted('TransactWriteItems')).toBe(DYNAMODB_ATTEMPTS);
    expect(await customerItems(customerId)).toEqual(before);

    dynamo.setRules([]);
    const retried = await call(
      'POST',
      grantPath(customerId),
      { amountCents: 500, reason: 'goodwill' },
      { 'idempotency-key': 'throttled-grant' },
    );
    expect(retried.status).toBe(201);
    expect(retried.body).toMatchObject({ credit: { availableCents: 1_500 } });
  });

  it('a deduction whose transaction DynamoDB throttles (ThrottlingException) is a 503 and changes nothing', async () => {
    const customerId = await customerWithCredit(1_000);
    const before = await customerItems(customerId);
    dynamo.setRules([{ operation: 'TransactWriteItems', fault: dynamoDbError('ThrottlingException') }]);

    const answer = await call('POST', deductionPath(customerId), { amountCents: 300, reason: 'correction' });

    expectServiceUnavailable(answer);
    expect(await customerItems(customerId)).toEqual(before);
  });

  it('a refund whose transaction hits the account limit (RequestLimitExceeded) is a 503 and changes nothing', async () => {
    const customerId = await customerWithCredit(5_000);
    const product = await createProduct(20);
    const bought = await purchase(customerId, product.id, `refund-setup-${customerId}`);
    expect(bought.status).toBe(201);
    const purchaseId = String(bought.body.id);
    const customerBefore = await customerItems(customerId);
    const purchaseBefore = await partition(purchasePartitionKey(purchaseId));
    dynamo.setRules([{ operation: 'TransactWriteItems', fault: dynamoDbError('RequestLimitExceeded') }]);

    const answer = await call(
      'POST',
      `/v1/purchases/${purchaseId}/refunds`,
      { amountCents: 700, reason: 'damaged' },
      { 'idempotency-key': `refund-${purchaseId}` },
    );

    expectServiceUnavailable(answer);
    expect(await customerItems(customerId)).toEqual(customerBefore);
    expect(await partition(purchasePartitionKey(purchaseId))).toEqual(purchaseBefore);
  });

  it('a GET whose DynamoDB read never answers is a 503 once the request timeout and its retries are spent, not a request left waiting', async () => {
    const customerId = await customerWithCredit(1_000);
    dynamo.setRules([{ operation: 'GetItem', fault: { kind: 'hang' } }]);

    const answer = await call('GET', `/v1/customers/${customerId}/credit`);

    expectServiceUnavailable(answer);
    expect(dynamo.faulted('GetItem')).toBe(DYNAMODB_ATTEMPTS);
  });

  it('a grant whose transaction committed but whose answer never came back is a 503, and its retry with the same key answers that one transaction', async () => {
    const customerId = await customerWithCredit(1_000);
    dynamo.setRules([{ operation: 'TransactWriteItems', fault: { kind: 'lose-response' } }]);

    const lost = await call(
      'POST',
      grantPath(customerId),
      { amountCents: 250, reason: 'goodwill' },
      { 'idempotency-key': 'lost-answer' },
    );

    expectServiceUnavailable(lost);
    // The first attempt committed, whole; its retries (same ClientRequestToken) added nothing.
    const ledger = (await customerItems(customerId)).filter((item) => item.entity === 'CREDIT_TRANSACTION');
    expect(ledger.map((entry) => entry.amountCents)).toEqual([1_000, 250]);

    dynamo.setRules([]);
    const retried = await call(
      'POST',
      grantPath(customerId),
      { amountCents: 250, reason: 'goodwill' },
      { 'idempotency-key': 'lost-answer' },
    );
    expect(retried.status).toBe(201);
    expect(retried.body).toMatchObject({
      transaction: { id: ledger[1]?.id, amountCents: 250 },
      credit: { availableCents: 1_250 },
    });
    const after = (await customerItems(customerId)).filter((item) => item.entity === 'CREDIT_TRANSACTION');
    expect(after).toHaveLength(2);
  });

  it('a purchase whose StartSyncExecution Step Functions throttles is a 503, holds nothing, and its retry with the same key buys once', async () => {
    const customerId = await customerWithCredit(5_000);
    const product = await createProduct(10);
    const before = await customerItems(customerId);
    stepFunctions.setRules([
      {
        operation: 'StartSyncExecution',
        fault: { kind: 'error', status: 400, type: 'ThrottlingException', message: 'Rate exceeded' },
      },
    ]);

    const answer = await purchase(customerId, product.id, `sfn-throttled-${customerId}`);

    expectServiceUnavailable(answer);
    // One attempt: Express executions are not deduplicated, so the SFN client never retries.
    expect(stepFunctions.faulted('StartSyncExecution')).toBe(1);
    expect(await customerItems(customerId)).toEqual(before);

    stepFunctions.setRules([]);
    const retried = await purchase(customerId, product.id, `sfn-throttled-${customerId}`);
    expect(retried.status).toBe(201);
    expect(retried.body).toMatchObject({ totalCents: 1_000 });
  });

  it('a purchase whose Reserve step DynamoDB throttles is a 503 after the saga compensated, and holds nothing', async () => {
    const customerId = await customerWithCredit(5_000);
    const product = await createProduct(10);
    const before = await customerItems(customerId);
    dynamo.setRules([
      {
        operation: 'TransactWriteItems',
        // The Reserve transaction, which puts the reservation; Release is let through.
        matches: (body) => body.includes('"Put"') && body.includes('"entity":{"S":"RESERVATION"}'),
        fault: dynamoDbError('ProvisionedThroughputExceededException'),
      },
    ]);

    const answer = await purchase(customerId, product.id, `reserve-throttled-${customerId}`);

    expectServiceUnavailable(answer);
    expect(dynamo.faulted('TransactWriteItems')).toBe(DYNAMODB_ATTEMPTS);
    expect(await customerItems(customerId)).toEqual(before);
    const purchases = await call('GET', `/v1/purchases?customerId=${customerId}`);
    expect(purchases.body).toEqual({ items: [], nextCursor: null });
  });
});

import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDocumentClient } from '../../functions/shared/db/document-client.ts';
import { idempotencyRecordKey } from '../../functions/shared/db/keys.ts';
import { idempotencyRecordKeyHash } from '../../functions/shared/http/middleware/idempotency.ts';
import { useLocalAwsEnvironment } from '../../local/dynamodb-local.ts';
import { api, creditPath, customerAndProduct, grant, TEST_ADMIN } from '../support/api-client.ts';
import { expectBooksToBalance } from '../support/reconcile.ts';
import { stackUrls } from '../support/stack.ts';
import { authorizationFor } from '../support/tokens.ts';

/**
 * When the HTTP idempotency record is gone (expired after 24 h, or its completion write
 * failed), the ledger's operation marker answers the replay. The contract says a replay is the
 * first answer, byte for byte, whatever happened to the entity since.
 */

let client: ReturnType<typeof createDocumentClient>;

beforeAll(() => {
  useLocalAwsEnvironment();
  client = createDocumentClient({ endpoint: stackUrls().dynamoDbEndpoint });
});

afterAll(async () => {
  client.destroy();
  await expectBooksToBalance();
});

/** The answer as sent: status and the body's exact text. */
async function post(path: string, key: string, body: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(`${stackUrls().apiUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'idempotency-key': key,
      ...(await authorizationFor(TEST_ADMIN)),
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

/** Loses the HTTP layer's record of a key, as its TTL or a failed completion write would. */
async function forgetRecord(key: string): Promise<void> {
  const keyHash = idempotencyRecordKeyHash(TEST_ADMIN.sub ?? '', key);
  await client.send(
    new DeleteCommand({ TableName: stackUrls().mainTable, Key: idempotencyRecordKey(keyHash) }),
  );
}

describe('a replay after the idempotency record is gone', () => {
  it('answers a purchase with its first answer, though it was refunded since', async () => {
    const { customerId, productId } = await customerAndProduct(10_000, 2.5);
    const key = `replay-purchase-${customerId}`;
    const body = { customerId, productId, quantity: 2 };
    const first = await post('/v1/purchases', key, body);
    expect(first.status).toBe(201);
    const { id } = JSON.parse(first.text) as { id: string };
    expect(
      (await api('POST', `/v1/purchases/${id}/refunds`, { body: { amountCents: 30, reason: 'dent' } }))
        .status,
    ).toBe(201);

    await forgetRecord(key);
    const replay = await post('/v1/purchases', key, body);

    expect(replay.status).toBe(201);
    expect(replay.text).toBe(first.text);
  });

  it('answers a refund with its first answer, though the purchase was refunded again since', async () => {
    const { customerId, productId } = await customerAndProduct(10_000, 5);
    const bought = await api<{ id: string }>('POST', '/v1/purchases', { body: { customerId, productId } });
    const key = `replay-refund-${customerId}`;
    const body = { amountCents: 100, reason: 'late' };
    const first = await post(`/v1/purchases/${bought.body.id}/refunds`, key, body);
    expect(first.status).toBe(201);
    expect(
      (
        await api('POST', `/v1/purchases/${bought.body.id}/refunds`, {
          body: { amountCents: 50, reason: 'more' },
        })
      ).status,
    ).toBe(201);

    await forgetRecord(key);
    const replay = await post(`/v1/purchases/${bought.body.id}/refunds`, key, body);

    expect(replay.status).toBe(201);
    expect(replay.text).toBe(first.text);
  });

  it('answers a grant with its first answer, metadata included, though the balance moved since', async () => {
    const { customerId } = await customerAndProduct(0, 1);
    const key = `replay-grant-${customerId}`;
    const body = {
      amountCents: 500,
      reason: 'goodwill',
      metadata: { ticket: 'T-1', zeta: [1, { b: 2, a: 1 }], alpha: true },
    };
    const first = await post(`${creditPath(customerId)}/grants`, key, body);
    expect(first.status).toBe(201);
    expect((await grant(customerId, 700)).status).toBe(201);

    await forgetRecord(key);
    const replay = await post(`${creditPath(customerId)}/grants`, key, body);

    expect(replay.status).toBe(201);
    expect(replay.text).toBe(first.text);
  });
});

import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  allPages,
  allTransactions,
  api,
  createCustomer,
  createProduct,
  creditOf,
  creditPath,
  grant,
  mock,
} from '../support/api-client.ts';

/**
 * Requests that are well-formed but forged (a cursor we never gave out, JSON that
 * DynamoDB cannot store) and external data that our code cannot use. Each is a 400 or a 502, never a
 * 500, and changes nothing. The generated-input property tests are in input-fuzz.e2e.test.ts.
 */

const cursorOf = (position: unknown): string =>
  Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');

interface ErrorBody {
  error: { code: string; details?: { path: string; message: string }[] };
}

let customerId: string;

beforeAll(async () => {
  customerId = await createCustomer();
  const granted = await grant(customerId, 5_000);
  if (granted.status !== 201) throw new Error(`grant: HTTP ${granted.status}`);
});

describe('a cursor this list never gave out', () => {
  it.each([[{ id: '' }], [{ id: 'x' }], [{ id: '01ARZ3NDEKTSV4RRFFQ69G5FAV', extra: 'x' }], [{ id: 7 }]])(
    'GET /v1/purchases?customerId=… answers cursor %j with 400 VALIDATION_FAILED',
    async (position) => {
      const answer = await api<ErrorBody>(
        'GET',
        `/v1/purchases?customerId=${customerId}&cursor=${cursorOf(position)}`,
      );

      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('VALIDATION_FAILED');
      expect(answer.body.error.details).toEqual([expect.objectContaining({ path: 'query.cursor' })]);
    },
  );

  it.each([
    ['', { PK: '', SK: 'SEQ#1', at: 'x' }],
    ['?entityType=PURCHASE', { PK: '', SK: 'SEQ#1', at: 'x' }],
    ['', { at: '' }],
    ['?entityType=PURCHASE', { at: '' }],
    ['', { PK: 'PURCHASE#x', SK: 'SEQ#000000000001', at: '' }],
    ['?entityType=PURCHASE', { PK: 'PURCHASE#x', SK: 'SEQ#000000000001', at: '' }],
    ['?entityType=PURCHASE', { PK: 'REFUND#x', SK: 'SEQ#000000000001', at: '2024-01-01T00:00:00.000Z#e' }],
    ['?entityType=PURCHASE&entityId=x', { PK: 'PURCHASE#x', SK: 'SEQ#', at: '' }],
  ])('GET /v1/audit%s answers cursor %j with 400 VALIDATION_FAILED', async (query, position) => {
    const separator = query === '' ? '?' : '&';
    const answer = await api<ErrorBody>('GET', `/v1/audit${query}${separator}cursor=${cursorOf(position)}`);

    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('VALIDATION_FAILED');
    expect(answer.body.error.details).toEqual([expect.objectContaining({ path: 'query.cursor' })]);
  });
});

describe('external data outside the range of a JavaScript Date', () => {
  const address = { line1: '1 Test St', city: 'Testville', postalCode: '00001', state: 'TS', country: 'US' };

  it.each([[9e15], [253_402_300_800_000]])(
    'a product whose lastModifiedAt is %p: POST /v1/purchases is 502 UPSTREAM_ERROR and takes no credit',
    async (lastModifiedAt) => {
      const product = await mock<{ id: string }>('POST', '/products', {
        sku: 'SKU-FORGED',
        name: 'Forged',
        description: 'lastModifiedAt out of range',
        price: 1,
        lastModifiedAt,
      });
      const before = await creditOf(customerId);

      const answer = await api<ErrorBody>('POST', '/v1/purchases', {
        body: { customerId, productId: product.id },
      });

      expect(answer.status).toBe(502);
      expect(answer.body.error.code).toBe('UPSTREAM_ERROR');
      expect(await creditOf(customerId)).toEqual(before);
      expect(await allPages(`/v1/purchases?customerId=${customerId}`)).toEqual([]);
    },
  );

  it.each([[9e15], [253_402_300_800_000], [-9e15]])(
    'a customer whose lastModifiedAt is %p: GET credit and POST /v1/purchases are 502 UPSTREAM_ERROR',
    async (lastModifiedAt) => {
      const customer = await mock<{ id: string }>('POST', '/customers', {
        name: 'Forged',
        email: 'forged@example.com',
        billingAddress: address,
        shippingAddress: address,
        lastModifiedAt,
      });
      const product = await createProduct(1);

      const credit = await api<ErrorBody>('GET', creditPath(customer.id));
      const purchase = await api<ErrorBody>('POST', '/v1/purchases', {
        body: { customerId: customer.id, productId: product.id },
      });

      expect(credit.status).toBe(502);
      expect(credit.body.error.code).toBe('UPSTREAM_ERROR');
      expect(purchase.status).toBe(502);
      expect(purchase.body.error.code).toBe('UPSTREAM_ERROR');
    },
  );
});

describe('external data that a purchase cannot keep as given', () => {
  // DynamoDB Local, which the local stack runs, refuses an empty string in any attribute.
  it.each([
    ['customer', { name: '' }, 'GetCustomer'],
    ['customer', { email: '' }, 'GetCustomer'],
    ['product', { description: '' }, 'GetProduct'],
    ['product', { name: '' }, 'GetProduct'],
  ])(
    'a %s with %j: POST /v1/purchases is 502 UPSTREAM_ERROR naming %s, and takes no credit',
    async (kind, fields, operation) => {
      const buyer = await createCustomer();
      await grant(buyer, 1_000);
      const product = await createProduct(1);
      const id = kind === 'customer' ? buyer : product.id;
      const record = await mock<Record<string, unknown>>('GET', `/${kind}s/${id}`);
      await mock('PATCH', `/${kind}s/${id}`, { ...record, ...fields });

      const answer = await api<ErrorBody & { error: { details: { operation: string } } }>(
        'POST',
        '/v1/purchases',
        {
          body: { customerId: buyer, productId: product.id },
        },
      );

      expect(answer.status).toBe(502);
      expect(answer.body.error).toMatchObject({ code: 'UPSTREAM_ERROR', details: { operation } });
      expect(await creditOf(buyer)).toMatchObject({
        balanceCents: 1_000,
        availableCents: 1_000,
        heldCents: 0,
      });
    },
  );

  it('buys for a customer whose address has an empty second line, keeping no second line', async () => {
    const buyer = await createCustomer();
    await grant(buyer, 1_000);
    const product = await createProduct(1);
    const address = {
      line1: '1 Test St',
      line2: '',
      city: 'Testville',
      postalCode: '00001',
      state: 'TS',
      country: 'US',
    };
    await mock('PATCH', `/customers/${buyer}`, { shippingAddress: address });

    const answer = await api<{ customer: { shippingAddress: Record<string, string> } }>(
      'POST',
      '/v1/purchases',
      {
        body: { customerId: buyer, productId: product.id },
      },
    );

    expect(answer.status).toBe(201);
    expect(answer.body.customer.shippingAddress).toEqual({ ...address, line2: undefined });
  });
});

describe('grant metadata that DynamoDB cannot store as given', () => {
  const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : { a: nested(depth - 1) });

  it.each([
    ['an unsafe integer', '{"n": 9007199254740993}', 'body.metadata.n'],
    ['a number below DynamoDB range', '{"n": 1e-200}', 'body.metadata.n'],
    ['an integer beyond DynamoDB range', '{"n": 1e200}', 'body.metadata.n'],
    ['a nested unsafe integer', '{"a": [1, {"b": -9007199254740993}]}', 'body.metadata.a.1.b'],
    ['an empty key', '{"a": {"": 1}}', 'body.metadata.a'],
    ['an empty top-level key', '{"": 1}', 'body.metadata'],
    ['a __proto__ key, which an object drops', '{"a": {"__proto__": 0}}', 'body.metadata.a'],
    // Found by the fuzz (input-fuzz.e2e.test.ts): the SDK's marshaller reads `constructor` to tell a plain object from
    // a Set or a Map, so an own `constructor` key was a 500, or stored as something else.
    ['a constructor key, which the SDK reads as the class', '{"constructor": 1}', 'body.metadata'],
    ['a nested constructor key naming a Set', '{"a": {"constructor": {"name": "Set"}}}', 'body.metadata.a'],
    ['an empty string', '{"a": [""]}', 'body.metadata.a.0'],
    ['nesting 41 levels deep', JSON.stringify(nested(41)), `body.metadata${'.a'.repeat(16)}`],
  ])(
    'refuses %s with 400 VALIDATION_FAILED naming the field, and changes nothing',
    async (_, metadata, path) => {
      const before = await creditOf(customerId);
      const historyBefore = await allTransactions(customerId);

      const answer = await api<ErrorBody>('POST', `${creditPath(customerId)}/grants`, {
        rawBody: `{"amountCents": 100, "reason": "forged", "metadata": ${metadata}}`,
      });

      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('VALIDATION_FAILED');
      expect(answer.body.error.details?.map((detail) => detail.path)).toContain(path);
      expect(await creditOf(customerId)).toEqual(before);
      expect(await allTransactions(customerId)).toEqual(historyBefore);
    },
  );

  it('stores metadata that DynamoDB can hold and answers it back exactly', async () => {
    const metadata = { n: 9007199254740991, f: 0.1, tiny: 1e-130, neg: -2.5, s: 'é😀', deep: nested(10) };

    const answer = await api<{ transaction: { id: string; metadata: unknown } }>(
      'POST',
      `${creditPath(customerId)}/grants`,
      { body: { amountCents: 1, reason: 'metadata kept', metadata } },
    );

    expect(answer.status).toBe(201);
    expect(answer.body.transaction.metadata).toEqual(metadata);
    const stored = (await allTransactions(customerId)).find(
      (entry) => entry.id === answer.body.transaction.id,
    );
    expect(stored).toMatchObject({ metadata });
  });
});

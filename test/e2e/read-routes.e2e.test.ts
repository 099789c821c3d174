import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Schemas } from '../../clients/typescript/src/index.ts';
import {
  callLog,
  client,
  createCustomer,
  createProduct,
  customerAndProduct,
  dataOf,
  errorOf,
  grant,
  mock,
  setFaults,
} from '../support/api-client.ts';
import type { Caller } from '../support/tokens.ts';

/**
 * The admin read routes: GET /v1/customers, /v1/customers/{id}, /v1/products/{id}, and
 * their cache (30 s TTL, single-flight). The mock's call log counts what reached the external API.
 */

type CustomerView = Schemas['CustomerView'];

const readCustomer = (customerId: string, caller?: Caller | null) =>
  client(caller).GET('/v1/customers/{customerId}', { params: { path: { customerId } } });
const readProduct = (productId: string) =>
  client().GET('/v1/products/{productId}', { params: { path: { productId } } });

/** External reads of one record that reached the mock since the log was cleared. */
const readsOf = async (operation: 'GetCustomer' | 'GetProduct', id: string): Promise<number> => {
  const path = operation === 'GetCustomer' ? `/customers/${id}` : `/products/${id}`;
  return (await callLog()).filter(
    (call) => call.operation === operation && (call as { path?: string }).path === path,
  ).length;
};

/** Follows the list's cursors from the start; stops at the first answer that is not a 200. */
async function walkCustomers(limit: number) {
  const pages: CustomerView[][] = [];
  let cursor: string | null = null;
  do {
    const query: { limit: number; cursor?: string } = { limit, ...(cursor ? { cursor } : {}) };
    const answer = await client().GET('/v1/customers', { params: { query } });
    if (!answer.data) return { pages, end: answer.response.status, error: answer.error };
    pages.push(answer.data.items);
    cursor = answer.data.nextCursor;
  } while (cursor);
  return { pages, end: 200 };
}

beforeEach(async () => {
  await mock('DELETE', '/__control/calls');
});

afterEach(async () => {
  await setFaults([]);
});

describe('GET /v1/customers/{customerId}', () => {
  it('answers the CustomerView: the external details and the credit held here', async () => {
    const customerId = await createCustomer('Ada Reader');
    await grant(customerId, 1_234);

    const answer = await readCustomer(customerId);

    expect(answer.response.status).toBe(200);
    expect(answer.data).toEqual({
      id: customerId,
      name: 'Ada Reader',
      email: 'test@example.com',
      billingAddress: {
        line1: '1 Test St',
        city: 'Testville',
        postalCode: '00001',
        state: 'TS',
        country: 'US',
      },
      shippingAddress: {
        line1: '1 Test St',
        city: 'Testville',
        postalCode: '00001',
        state: 'TS',
        country: 'US',
      },
      lastModifiedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      credit: {
        customerId,
        currency: 'USD',
        balanceCents: 1_234,
        availableCents: 1_234,
        heldCents: 0,
        lots: [expect.objectContaining({ category: 'PAID', grantedCents: 1_234, remainingCents: 1_234 })],
        nextExpiry: null,
        updatedAt: expect.any(String),
      },
    });
  });

  it('gives a customer with no credit account zero credit, as GET credit does', async () => {
    const customerId = await createCustomer();

    const answer = await readCustomer(customerId);

    expect(answer.response.status).toBe(200);
    expect(answer.data?.credit).toEqual({
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

  it('serves 10 reads of one customer within the TTL with exactly 1 external GetCustomer call', async () => {
    const customerId = await createCustomer();

    const statuses: number[] = [];
    for (let i = 0; i < 10; i += 1) statuses.push((await readCustomer(customerId)).response.status);

    expect(statuses).toEqual(Array.from({ length: 10 }, () => 200));
    expect(await readsOf('GetCustomer', customerId)).toBe(1);
  });

  it('shares one external read between 10 concurrent misses (single-flight)', async () => {
    const customerId = await createCustomer();
    // Every GetCustomer answers late, so all ten requests arrive while the first read is in flight.
    await setFaults([{ operation: 'GetCustomer', kind: 'delay', delayMs: 1_000 }]);

    const answers = await Promise.all(Array.from({ length: 10 }, () => readCustomer(customerId)));

    expect(answers.map((answer) => answer.response.status)).toEqual(Array.from({ length: 10 }, () => 200));
    expect(await readsOf('GetCustomer', customerId)).toBe(1);
  });

  it('answers a customer the external API does not know with 404 CUSTOMER_NOT_FOUND, and does not keep the 404', async () => {
    const customerId = `reads-${Math.random().toString(36).slice(2, 12)}`;

    const unknown = await readCustomer(customerId);
    await mock('POST', '/customers', {
      id: customerId,
      name: 'Late',
      email: 'late@example.com',
      billingAddress: { line1: '1 Test St', city: 'T', postalCode: '1', state: 'TS', country: 'US' },
      shippingAddress: { line1: '1 Test St', city: 'T', postalCode: '1', state: 'TS', country: 'US' },
    });
    const created = await readCustomer(customerId);

    expect(unknown.response.status).toBe(404);
    expect(errorOf(unknown).code).toBe('CUSTOMER_NOT_FOUND');
    expect(created.response.status).toBe(200);
    expect(created.data?.name).toBe('Late');
  });

  it.each([
    [{ kind: 'status', status: 500 }, 502, 'UPSTREAM_ERROR'],
    [{ kind: 'hang' }, 504, 'UPSTREAM_TIMEOUT'],
  ] as const)(
    'answers a failed external read (%j) with %i %s, and does not keep the failure',
    async (fault, status, code) => {
      const customerId = await createCustomer();
      await setFaults([{ operation: 'GetCustomer', ...fault, count: 1 }]);

      const failed = await readCustomer(customerId);
      const next = await readCustomer(customerId);

      expect(failed.response.status).toBe(status);
      expect(errorOf(failed)).toMatchObject({ code, details: { operation: 'GetCustomer' } });
      expect(next.response.status).toBe(200);
      expect(await readsOf('GetCustomer', customerId)).toBe(2);
    },
  );

  it('lets a viewer read, and nobody without a token', async () => {
    const customerId = await createCustomer();

    const viewer = await readCustomer(customerId, { role: 'viewer' });
    const anonymous = await readCustomer(customerId, null);

    expect(viewer.response.status).toBe(200);
    expect(anonymous.response.status).toBe(401);
    expect(errorOf(anonymous).code).toBe('UNAUTHENTICATED');
  });
});

describe('GET /v1/products/{productId}', () => {
  it.each([
    [1299.99, 129_999],
    [0.1, 10],
    [19.9, 1_990],
    [0, 0],
  ])('prices %d dollars as exactly %i cents', async (price, cents) => {
    const product = await createProduct(price, 'Priced', 'a priced thing');

    const answer = await readProduct(product.id);

    expect(answer.response.status).toBe(200);
    expect(answer.data).toEqual({
      id: product.id,
      sku: product.sku,
      name: 'Priced',
      description: 'a priced thing',
      priceCents: cents,
      lastModifiedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
  });

  it('serves 10 reads of one product within the TTL with exactly 1 external GetProduct call', async () => {
    const product = await createProduct(3);

    for (let i = 0; i < 10; i += 1) expect((await readProduct(product.id)).response.status).toBe(200);

    expect(await readsOf('GetProduct', product.id)).toBe(1);
  });

  it('answers an unknown product with 404 PRODUCT_NOT_FOUND', async () => {
    const answer = await readProduct('no-such-product');

    expect(answer.response.status).toBe(404);
    expect(errorOf(answer).code).toBe('PRODUCT_NOT_FOUND');
  });

  it.each([[12.345], [-1], [1e21]])(
    'answers a price of %d dollars, which is no money, with 502 UPSTREAM_ERROR',
    async (price) => {
      const product = await createProduct(price);

      const answer = await readProduct(product.id);

      expect(answer.response.status).toBe(502);
      expect(errorOf(answer)).toMatchObject({
        code: 'UPSTREAM_ERROR',
        details: { operation: 'GetProduct' },
      });
    },
  );
});

describe('the quote never uses the read cache', () => {
  it('charges the new price and ships to the new address right after a change, while the read routes still serve the cached ones', async () => {
    const { customerId, productId } = await customerAndProduct(10_000, 5);
    const cachedCustomer = dataOf(await readCustomer(customerId));
    const cachedProduct = dataOf(await readProduct(productId));
    const moved = { line1: '9 New Rd', city: 'Elsewhere', postalCode: '99999', state: 'NW', country: 'US' };
    await mock('PATCH', `/products/${productId}`, { price: 7.25 });
    await mock('PATCH', `/customers/${customerId}`, { shippingAddress: moved });
    await mock('DELETE', '/__control/calls');

    const purchase = dataOf(await client().POST('/v1/purchases', { body: { customerId, productId } }));
    const customerAfter = dataOf(await readCustomer(customerId));
    const productAfter = dataOf(await readProduct(productId));

    expect(purchase).toMatchObject({ unitPriceCents: 725, totalCents: 725 });
    expect(purchase.customer.shippingAddress).toEqual(moved);
    const shipments = (await callLog()).filter((call) => call.operation === 'CreateShipment');
    expect(
      shipments.map((call) => (call.body as { shippingAddress: Schemas['Address'] }).shippingAddress),
    ).toEqual([moved]);
    // The purchase read both records itself; the read routes answered from their cache.
    expect(await readsOf('GetCustomer', customerId)).toBe(1);
    expect(await readsOf('GetProduct', productId)).toBe(1);
    expect(cachedProduct.priceCents).toBe(500);
    expect(productAfter.priceCents).toBe(500);
    expect(cachedCustomer.shippingAddress.line1).toBe('1 Test St');
    expect(customerAfter.shippingAddress.line1).toBe('1 Test St');
    expect(customerAfter.credit.balanceCents).toBe(10_000 - 725);
  });
});

describe('GET /v1/customers', () => {
  it('reaches every known customer once through its cursors, by id, the same at any page size', async () => {
    const mine: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const customerId = await createCustomer(`Listed ${i}`);
      await grant(customerId, 100 + i);
      mine.push(customerId);
    }

    const small = await walkCustomers(3);
    const large = await walkCustomers(100);

    expect(small.end).toBe(200);
    const ids = small.pages.flat().map((customer) => customer.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort());
    expect(ids).toEqual(expect.arrayContaining(mine));
    expect(small.pages.slice(0, -1).every((page) => page.length === 3)).toBe(true);
    expect(small.pages.at(-1)?.length).toBeGreaterThan(0);
    expect(large.pages.flat().map((customer) => customer.id)).toEqual(ids);
    const listed = small.pages.flat().filter((customer) => mine.includes(customer.id));
    expect(listed.map((customer) => [customer.id, customer.name, customer.credit.balanceCents])).toEqual(
      [...mine].sort().map((id) => [id, `Listed ${mine.indexOf(id)}`, 100 + mine.indexOf(id)]),
    );
  });

  it('lists a customer who bought, with the credit the purchase left', async () => {
    const { customerId, productId } = await customerAndProduct(1_000, 2.5);
    dataOf(await client().POST('/v1/purchases', { body: { customerId, productId } }));

    const { pages } = await walkCustomers(100);

    expect(pages.flat().find((customer) => customer.id === customerId)?.credit).toMatchObject({
      balanceCents: 750,
      availableCents: 750,
      heldCents: 0,
    });
  });

  it.each([
    [500, 'answered HTTP 500'],
    [404, 'does not know customer'],
  ])(
    'answers a page with a customer whose external read fails (HTTP %i) with 502 UPSTREAM_ERROR',
    async (status, reason) => {
      // Created and granted through the fresh credit routes: no list or detail page has cached it.
      const customerId = await createCustomer();
      await grant(customerId, 1);
      await setFaults([{ operation: 'GetCustomer', kind: 'status', status }]);

      const walk = await walkCustomers(100);

      expect(walk.end).toBe(502);
      expect(walk.error?.error).toMatchObject({
        code: 'UPSTREAM_ERROR',
        details: { operation: 'GetCustomer' },
      });
      const failure = walk.error?.error;
      expect(failure?.code === 'UPSTREAM_ERROR' ? failure.details.reason : undefined).toContain(reason);
    },
  );

  it('refuses a cursor it did not give out with 400 VALIDATION_FAILED', async () => {
    const forged = Buffer.from(JSON.stringify({ customerId: '' })).toString('base64url');

    const answer = await client().GET('/v1/customers', { params: { query: { cursor: forged } } });

    expect(answer.response.status).toBe(400);
    expect(errorOf(answer)).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [expect.objectContaining({ path: 'query.cursor' })],
    });
  });
});

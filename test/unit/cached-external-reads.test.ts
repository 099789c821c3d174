import { describe, expect, it } from '@jest/globals';
import type { QuoteDeps } from '../../functions/purchases/saga/quote.ts';
import { NotFoundError, UpstreamError } from '../../functions/shared/errors.ts';
import {
  LruExternalReads,
  type ReadCacheOptions,
} from '../../functions/shared/external/cached-external-reads.ts';
import type {
  CustomerDirectory,
  ProductCatalog,
} from '../../functions/shared/external/external-api.client.ts';
import type {
  ExternalCustomer,
  ExternalProduct,
} from '../../functions/shared/external/external-api.schemas.ts';

const address = { line1: '1 Main St', city: 'Springfield', postalCode: '62701', state: 'IL', country: 'US' };
const customer = (id: string, name = 'John'): ExternalCustomer => ({
  id,
  name,
  email: 'john@example.com',
  billingAddress: address,
  shippingAddress: address,
  createdAt: 0,
  lastModifiedAt: 0,
});
const product = (id: string, description = 'A thing'): ExternalProduct => ({
  id,
  sku: 'SKU-1',
  name: 'Thing',
  description,
  price: 1,
  createdAt: 0,
  lastModifiedAt: 0,
});

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

/** The external API as the cache sees it: each read is counted and answered by the test. */
class FakeSource implements CustomerDirectory, ProductCatalog {
  readonly customerReads: string[] = [];
  readonly productReads: string[] = [];
  answerCustomer: (id: string) => Promise<ExternalCustomer> = async (id) => customer(id);
  answerProduct: (id: string) => Promise<ExternalProduct> = async (id) => product(id);

  getCustomer(customerId: string): Promise<ExternalCustomer> {
    this.customerReads.push(customerId);
    return this.answerCustomer(customerId);
  }

  getProduct(productId: string): Promise<ExternalProduct> {
    this.productReads.push(productId);
    return this.answerProduct(productId);
  }
}

/** A fake monotonic clock: time moves only when the test says so. */
function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let now = 1_000;
  return { now: () => now, advance: (ms) => (now += ms) };
}

const options = (overrides: Partial<ReadCacheOptions> = {}): ReadCacheOptions => ({
  ttlMs: 30_000,
  maxEntries: 100,
  maxBytes: 1024 * 1024,
  ...overrides,
});

describe('LruExternalReads', () => {
  it('answers repeated reads of one customer within the TTL with one external read', async () => {
    const source = new FakeSource();
    const clock = fakeClock();
    const reads = new LruExternalReads(source, options({ now: clock.now }));

    for (let i = 0; i < 5; i += 1) {
      expect(await reads.cachedCustomer('c1')).toEqual(customer('c1'));
      clock.advance(5_000);
    }

    expect(source.customerReads).toEqual(['c1']);
  });

  it('reads again once the TTL has passed since the read answered, and serves the new value', async () => {
    const source = new FakeSource();
    const clock = fakeClock();
    const reads = new LruExternalReads(source, options({ now: clock.now }));
    await reads.cachedCustomer('c1');
    source.answerCustomer = async (id) => customer(id, 'Renamed');

    clock.advance(30_000);
    const atTtl = await reads.cachedCustomer('c1');
    clock.advance(1);
    const pastTtl = await reads.cachedCustomer('c1');

    expect(atTtl.name).toBe('John');
    expect(pastTtl.name).toBe('Renamed');
    expect(source.customerReads).toEqual(['c1', 'c1']);
  });

  it('does not extend an entry on a hit: a value is never older than the TTL', async () => {
    const source = new FakeSource();
    const clock = fakeClock();
    const reads = new LruExternalReads(source, options({ now: clock.now, ttlMs: 10_000 }));

    await reads.cachedCustomer('c1');
    clock.advance(9_000);
    await reads.cachedCustomer('c1');
    clock.advance(2_000);
    await reads.cachedCustomer('c1');

    expect(source.customerReads).toEqual(['c1', 'c1']);
  });

  it('shares one external read between concurrent misses of one id', async () => {
    const source = new FakeSource();
    const pending = deferred<ExternalCustomer>();
    source.answerCustomer = () => pending.promise;
    const reads = new LruExternalReads(source, options());

    const answers = Promise.all(Array.from({ length: 10 }, () => reads.cachedCustomer('c1')));
    pending.resolve(customer('c1'));

    expect(await answers).toEqual(Array.from({ length: 10 }, () => customer('c1')));
    expect(source.customerReads).toEqual(['c1']);
  });

  it('gives every waiter of a failed read its error, keeps nothing, and reads again next time', async () => {
    const source = new FakeSource();
    const pending = deferred<ExternalCustomer>();
    source.answerCustomer = () => pending.promise;
    const reads = new LruExternalReads(source, options());
    const failure = new UpstreamError('GetCustomer', 'answered HTTP 500');

    const answers = Array.from({ length: 3 }, () => reads.cachedCustomer('c1'));
    pending.reject(failure);
    for (const answer of answers) await expect(answer).rejects.toBe(failure);
    source.answerCustomer = async (id) => customer(id);

    expect(await reads.cachedCustomer('c1')).toEqual(customer('c1'));
    expect(source.customerReads).toEqual(['c1', 'c1']);
  });

  it('does not keep a 404: a customer created right after is found at once', async () => {
    const source = new FakeSource();
    source.answerCustomer = async (customerId) => {
      throw new NotFoundError('CUSTOMER_NOT_FOUND', 'No customer has this id.', { customerId });
    };
    const reads = new LruExternalReads(source, options());

    await expect(reads.cachedCustomer('c1')).rejects.toMatchObject({ code: 'CUSTOMER_NOT_FOUND' });
    source.answerCustomer = async (id) => customer(id);

    expect(await reads.cachedCustomer('c1')).toEqual(customer('c1'));
  });

  it('keeps customers and products apart, by id', async () => {
    const source = new FakeSource();
    const reads = new LruExternalReads(source, options());

    await reads.cachedCustomer('x');
    await reads.cachedProduct('x');
    await reads.cachedProduct('y');
    await reads.cachedProduct('x');

    expect(source.customerReads).toEqual(['x']);
    expect(source.productReads).toEqual(['x', 'y']);
  });

  it('holds at most maxEntries per kind, evicting the least recently used', async () => {
    const source = new FakeSource();
    const reads = new LruExternalReads(source, options({ maxEntries: 2 }));

    await reads.cachedCustomer('a');
    await reads.cachedCustomer('b');
    await reads.cachedCustomer('a'); // b is now the least recently used
    await reads.cachedCustomer('c'); // evicts b
    await reads.cachedCustomer('a');
    await reads.cachedCustomer('b');

    expect(source.customerReads).toEqual(['a', 'b', 'c', 'b']);
  });

  it('holds at most maxBytes per kind: a product larger than the bound is served but not kept', async () => {
    const source = new FakeSource();
    source.answerProduct = async (id) => product(id, 'x'.repeat(2_000));
    const reads = new LruExternalReads(source, options({ maxBytes: 1_000 }));

    const first = await reads.cachedProduct('big');
    await reads.cachedProduct('big');

    expect(first.description).toHaveLength(2_000);
    expect(source.productReads).toEqual(['big', 'big']);
  });

  it('cannot stand in for the fresh reads the quote makes', () => {
    const reads = new LruExternalReads(new FakeSource(), options());

    // @ts-expect-error the quote's ports call getCustomer/getProduct, which a cached reader does not have
    const quoteDeps: QuoteDeps = { customers: reads, products: reads };

    expect('getCustomer' in quoteDeps.customers).toBe(false);
    expect('getProduct' in quoteDeps.products).toBe(false);
  });
});

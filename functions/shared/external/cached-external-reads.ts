import { LRUCache } from 'lru-cache';
import { logger } from '../logger.ts';
import type { CustomerDirectory, ProductCatalog } from './external-api.client.ts';
import type { ExternalCustomer, ExternalProduct } from './external-api.schemas.ts';

/**
 * External customer and product reads that may be up to `READ_CACHE_TTL_MS` old: for the admin
 * read routes only (GET /v1/customers, /v1/customers/{id}, /v1/products/{id}).
 *
 * Its methods are deliberately not named like `CustomerDirectory.getCustomer` and
 * `ProductCatalog.getProduct`, so this cannot be passed where the quote, the credit routes or any
 * other caller expects a fresh read: that would not compile. What is charged and where it ships
 * never comes from here.
 */
export interface CachedExternalReads {
  /** @throws NotFoundError CUSTOMER_NOT_FOUND, UpstreamError, UpstreamTimeoutError (never cached) */
  cachedCustomer(customerId: string): Promise<ExternalCustomer>;
  /** @throws NotFoundError PRODUCT_NOT_FOUND, UpstreamError, UpstreamTimeoutError (never cached) */
  cachedProduct(productId: string): Promise<ExternalProduct>;
}

/** Under the contract's 60 s, with room for the read itself (3 s at most) and clock skew. */
export const READ_CACHE_TTL_MS = 30_000;

export interface ReadCacheOptions {
  ttlMs: number;
  /** Entries per kind (customers, products). */
  maxEntries: number;
  /** Bytes per kind, counted as the JSON of each read: a product description may be ~400 KB. */
  maxBytes: number;
  /** Milliseconds on a monotonic clock; tests pass a fake one. */
  now?: () => number;
}

export const READ_CACHE_DEFAULTS: ReadCacheOptions = {
  ttlMs: READ_CACHE_TTL_MS,
  maxEntries: 1_000,
  maxBytes: 16 * 1024 * 1024,
};

/**
 * A least-recently-used cache per execution environment (one per Lambda instance), with `lru-cache`:
 * an entry lives `ttlMs` from the moment its read answered (hits do not extend it), concurrent
 * misses of one id share one read (`fetch()` keeps the in-flight promise as the entry), and a
 * failed read is not kept: every waiter of that read gets its error, and the next call reads again.
 */
export class LruExternalReads implements CachedExternalReads {
  private readonly customers: LRUCache<string, ExternalCustomer>;
  private readonly products: LRUCache<string, ExternalProduct>;

  constructor(source: CustomerDirectory & ProductCatalog, options: ReadCacheOptions = READ_CACHE_DEFAULTS) {
    this.customers = readCache(options, (customerId) => source.getCustomer(customerId));
    this.products = readCache(options, (productId) => source.getProduct(productId));
  }

  cachedCustomer(customerId: string): Promise<ExternalCustomer> {
    return read(this.customers, customerId, 'GetCustomer');
  }

  cachedProduct(productId: string): Promise<ExternalProduct> {
    return read(this.products, productId, 'GetProduct');
  }
}

function readCache<V extends object>(
  options: ReadCacheOptions,
  load: (id: string) => Promise<V>,
): LRUCache<string, V> {
  return new LRUCache<string, V>({
    max: options.maxEntries,
    maxSize: options.maxBytes,
    sizeCalculation: (value) => Math.max(1, Buffer.byteLength(JSON.stringify(value))),
    ttl: options.ttlMs,
    // Read the clock on every check rather than caching it behind a timer: exact with a fake
    // clock, and no timers left in the Lambda's event loop.
    ttlResolution: 0,
    ...(options.now ? { perf: { now: options.now } } : {}),
    // An entry evicted while its read is in flight still answers the callers waiting for it.
    ignoreFetchAbort: true,
    fetchMethod: (id) => load(id),
  });
}

async function read<V extends object>(
  cache: LRUCache<string, V>,
  id: string,
  operation: 'GetCustomer' | 'GetProduct',
): Promise<V> {
  const status: LRUCache.Status<string, V> = {};
  const value = await cache.fetch(id, { status });
  logger.debug('cached external read', { operation, id, cache: status.fetch });
  // fetchMethod never resolves undefined and aborts are ignored, so this is a broken invariant.
  if (value === undefined) throw new Error(`the ${operation} cache answered nothing for ${id}`);
  return value;
}

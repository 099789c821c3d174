import { performance } from 'node:perf_hooks';
import {
  api,
  callLog,
  createCustomer,
  createProduct,
  grant,
  mock,
  type Page,
} from '../test/support/api-client.ts';
import { startBenchStack } from './support.ts';

/**
 * An admin browsing session against the read routes and their cache: 200 page views over 20 known
 * customers and 10 products (list pages, customer pages, product pages), in a seeded random order.
 * Prints how many external reads the views asked for, how many reached the external API (the mock's
 * call log), the reads saved and the hit ratio. `--think-ms` pauses between views, so a session can
 * outlast the cache's 30 s TTL as a real one does. Asserts nothing.
 *   npm run bench:cache [-- --views N --seed S --think-ms MS]
 */

const arg = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const VIEWS = arg('views', 200);
const SEED = arg('seed', 11);
const THINK_MS = arg('think-ms', 0);
const CUSTOMERS = 20;
const PRODUCTS = 10;

/** mulberry32: a small seeded generator, so every run browses the same way. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Kind = 'list' | 'customer' | 'product';
interface Tally {
  views: number;
  asked: number;
  ms: number;
}

const stack = await startBenchStack();
try {
  const customerIds: string[] = [];
  for (let i = 0; i < CUSTOMERS; i += 1) {
    const customerId = await createCustomer(`Browsed ${i}`);
    await grant(customerId, 10_000);
    customerIds.push(customerId);
  }
  const productIds: string[] = [];
  for (let i = 0; i < PRODUCTS; i += 1) productIds.push((await createProduct(1 + i, `Product ${i}`)).id);
  await mock('DELETE', '/__control/calls');

  const next = random(SEED);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const tally: Record<Kind, Tally> = {
    list: { views: 0, asked: 0, ms: 0 },
    customer: { views: 0, asked: 0, ms: 0 },
    product: { views: 0, asked: 0, ms: 0 },
  };
  const started = performance.now();
  for (let view = 0; view < VIEWS; view += 1) {
    // A session of list pages now and then, mostly customer pages, some product pages.
    const roll = next();
    const kind: Kind = roll < 0.2 ? 'list' : roll < 0.8 ? 'customer' : 'product';
    const path =
      kind === 'list'
        ? '/v1/customers?limit=20'
        : kind === 'customer'
          ? `/v1/customers/${pick(customerIds)}`
          : `/v1/products/${pick(productIds)}`;
    const t0 = performance.now();
    const answer = await api<Page<unknown>>('GET', path, { as: { role: 'viewer', sub: 'bench-admin' } });
    tally[kind].ms += performance.now() - t0;
    if (answer.status !== 200) throw new Error(`GET ${path}: HTTP ${answer.status}`);
    tally[kind].views += 1;
    // What the view would have read from the external API without a cache: one per customer shown.
    tally[kind].asked += kind === 'list' ? answer.body.items.length : 1;
    if (THINK_MS > 0) await new Promise((resolve) => setTimeout(resolve, THINK_MS));
  }
  const sessionMs = performance.now() - started;

  const calls = await callLog();
  const made = calls.filter(
    (call) => call.operation === 'GetCustomer' || call.operation === 'GetProduct',
  ).length;
  const asked = tally.list.asked + tally.customer.asked + tally.product.asked;
  console.log(
    `admin session: ${VIEWS} page views over ${CUSTOMERS} customers and ${PRODUCTS} products (seed ${SEED}, think ${THINK_MS} ms), ${(sessionMs / 1000).toFixed(1)} s`,
  );
  console.log('view      views  external reads asked  mean_ms');
  for (const [kind, figures] of Object.entries(tally)) {
    console.log(
      `${kind.padEnd(9)} ${String(figures.views).padStart(5)} ${String(figures.asked).padStart(21)} ${(figures.views ? figures.ms / figures.views : 0).toFixed(1).padStart(8)}`,
    );
  }
  console.log(
    `external reads asked ${asked}, made ${made} (call log), saved ${asked - made}; hit ratio ${((1 - made / asked) * 100).toFixed(1)}%`,
  );
} finally {
  await stack.stop();
}

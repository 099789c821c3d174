import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { api, createCustomer, createProduct, grant } from '../test/support/api-client.ts';
import { type FloorAccount, type FloorQuote, SagaFloor } from './saga-floor.ts';
import { installTrace, printTrace, span, startTrace, stopTrace } from './saga-trace.ts';
import { cpuMeter, inParallel, latencySummary, reconciliationLine, startBenchStack } from './support.ts';

/**
 * The purchase saga on the local stack against its floor (bench/saga-floor.ts), in one run:
 *  (a) sequential purchases, each followed by one floor sample: p50/p95 of both and their ratio;
 *  (b) purchases/s at 32-way (a customer per worker: no contention on an account) against the
 *      emulator's rate, 4-item transactions/s at 32-way on the same DynamoDB Local, ÷ 2 (a purchase
 *      makes two transactions).
 * BENCH_TRACE=1 then runs more sequential purchases with every step timed and prints where the time
 * goes. Prints figures; asserts nothing.
 *   npm run bench:purchase
 *   BENCH_PURCHASES=200 BENCH_TRACE=1 npm run bench:purchase
 */

const SEQUENTIAL = Number(process.env.BENCH_PURCHASES ?? 200);
const CONCURRENCY = 32;
const PURCHASES_PER_WORKER = Number(process.env.BENCH_PURCHASES_PER_WORKER ?? 8);
const TRANSACTIONS_PER_WORKER = Number(process.env.BENCH_TRANSACTIONS_PER_WORKER ?? 16);
const WARM_UP = 10;
const PRODUCTS = 20;
const GRANT_CENTS = 1_000_000;
const TRACE = process.env.BENCH_TRACE === '1';

if (TRACE) installTrace();
const stack = await startBenchStack();
try {
  const floor = new SagaFloor(stack);
  const products = await inParallel(PRODUCTS, 8, (index) =>
    createProduct((100 + index) / 100, `Bench product ${index}`),
  );
  const productFor = (index: number): string => products[index % PRODUCTS]?.id ?? '';
  const customers = (count: number): Promise<string[]> =>
    inParallel(count, 8, async () => {
      const customerId = await createCustomer('bench');
      const granted = await grant(customerId, GRANT_CENTS);
      if (granted.status !== 201) throw new Error(`grant: HTTP ${granted.status}`);
      return customerId;
    });
  const floorAccounts = (count: number): Promise<FloorAccount[]> =>
    customers(count).then((ids) => Promise.all(ids.map((id) => floor.account(id))));

  let failed = 0;
  const purchase = async (customerId: string, productId: string): Promise<number> => {
    const started = performance.now();
    const answer = await api('POST', '/v1/purchases', {
      body: { customerId, productId },
      headers: { 'idempotency-key': randomUUID() },
    });
    if (answer.status !== 201) failed += 1;
    return performance.now() - started;
  };

  // (a) Sequential, each purchase followed by one floor sample.
  const buyers = await customers(SEQUENTIAL + WARM_UP);
  const floorBuyers = await floorAccounts(SEQUENTIAL + WARM_UP);
  const purchaseMs: number[] = [];
  const floorMs: number[] = [];
  for (let index = 0; index < SEQUENTIAL + WARM_UP; index += 1) {
    const purchased = await purchase(buyers[index] ?? '', productFor(index));
    const floored = await floor.sample(floorBuyers[index] as FloorAccount, productFor(index + 1));
    if (index < WARM_UP) continue;
    purchaseMs.push(purchased);
    floorMs.push(floored);
  }
  const purchaseLatency = latencySummary(purchaseMs);
  const floorLatency = latencySummary(floorMs);
  console.log(`(a) ${SEQUENTIAL} sequential purchases, each followed by one floor sample (ms)`);
  console.log(`    purchase  p50 ${purchaseLatency.p50.toFixed(1)}  p95 ${purchaseLatency.p95.toFixed(1)}`);
  console.log(`    floor     p50 ${floorLatency.p50.toFixed(1)}  p95 ${floorLatency.p95.toFixed(1)}`);
  console.log(`    ratio     p50 ${(purchaseLatency.p50 / floorLatency.p50).toFixed(2)} × floor`);

  // (b) 32-way: the emulator's commit-shaped transactions before and after the purchases.
  const rateAccounts = await floorAccounts(CONCURRENCY);
  const rateQuote = await floor.quoteFor(rateAccounts[0]?.customerId ?? '', productFor(0));
  const emulatorPhase = async (): Promise<Phase> => {
    const ids = rateAccounts.map(() => Array.from({ length: TRANSACTIONS_PER_WORKER }, () => randomUUID()));
    await inParallel(CONCURRENCY, 8, (worker) =>
      Promise.all(
        (ids[worker] ?? []).map((id) => floor.seedReservation(id, rateAccounts[worker]?.customerId ?? '')),
      ),
    );
    const started = performance.now();
    const cpu = cpuMeter();
    await Promise.all(
      rateAccounts.map(async (account, worker) => {
        for (const id of ids[worker] ?? []) await floor.commit(account, id, quoteOf(rateQuote, account));
      }),
    );
    return {
      transactions: CONCURRENCY * TRANSACTIONS_PER_WORKER,
      ms: performance.now() - started,
      cpu: cpu(),
    };
  };
  const concurrentBuyers = await customers(CONCURRENCY);
  const before = await emulatorPhase();
  const purchasesStarted = performance.now();
  const purchaseCpu = cpuMeter();
  await Promise.all(
    concurrentBuyers.map(async (customerId, worker) => {
      for (let round = 0; round < PURCHASES_PER_WORKER; round += 1) {
        await purchase(customerId, productFor(worker + round));
      }
    }),
  );
  const purchasesMs = performance.now() - purchasesStarted;
  const purchasesCpu = purchaseCpu();
  const after = await emulatorPhase();
  const purchasesPerSecond = (CONCURRENCY * PURCHASES_PER_WORKER * 1000) / purchasesMs;
  const transactionsPerSecond = ((before.transactions + after.transactions) * 1000) / (before.ms + after.ms);
  console.log(
    `(b) ${CONCURRENCY}-way, ${CONCURRENCY * PURCHASES_PER_WORKER} purchases by ${CONCURRENCY} customers`,
  );
  console.log(`    purchases/s                   ${purchasesPerSecond.toFixed(1)}`);
  console.log(
    `    4-item transactions/s         ${transactionsPerSecond.toFixed(1)} (before ${rate(before)}, after ${rate(after)})`,
  );
  console.log(`    emulator rate ÷ 2             ${(transactionsPerSecond / 2).toFixed(1)}`);
  console.log(
    `    purchases at                  ${((100 * purchasesPerSecond) / (transactionsPerSecond / 2)).toFixed(0)} % of it`,
  );
  const perPurchase = CONCURRENCY * PURCHASES_PER_WORKER;
  const perTransaction = before.transactions + after.transactions;
  console.log(
    `    CPU ms per purchase           node ${cpuMs(purchasesCpu.nodeSeconds, perPurchase)}, DynamoDB Local ${cpuMs(purchasesCpu.dynamoDbSeconds, perPurchase)}`,
  );
  console.log(
    `    CPU ms per transaction        node ${cpuMs(before.cpu.nodeSeconds + after.cpu.nodeSeconds, perTransaction)}, DynamoDB Local ${cpuMs(sumDefined(before.cpu.dynamoDbSeconds, after.cpu.dynamoDbSeconds), perTransaction)}`,
  );
  if (failed > 0) console.log(`    ${failed} purchases did not answer 201: the figures are not comparable`);

  if (TRACE) {
    const traced = await customers(SEQUENTIAL);
    const tracedFloor = await floorAccounts(SEQUENTIAL);
    startTrace();
    for (const [index, customerId] of traced.entries()) {
      await span('client api (test api-client)', () => purchase(customerId, productFor(index)));
      await span('floor sample', () =>
        floor.sample(tracedFloor[index] as FloorAccount, productFor(index + 1)),
      );
    }
    printTrace(stopTrace(), SEQUENTIAL, [
      'client api (test api-client)',
      'http api',
      'sfn endpoint',
      'floor sample',
    ]);
  }
  console.log(await reconciliationLine());
} finally {
  await stack.stop();
}

function cpuMs(seconds: number | undefined, count: number): string {
  return seconds === undefined ? 'n/a' : ((seconds * 1000) / count).toFixed(1);
}

function sumDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : a + b;
}

interface Phase {
  transactions: number;
  ms: number;
  cpu: ReturnType<ReturnType<typeof cpuMeter>>;
}

function rate(phase: Phase): string {
  return ((phase.transactions * 1000) / phase.ms).toFixed(1);
}

/** The shared quote, as this account's customer's. */
function quoteOf(quote: FloorQuote, account: FloorAccount): FloorQuote {
  return { ...quote, customer: { ...quote.customer, id: account.customerId } };
}

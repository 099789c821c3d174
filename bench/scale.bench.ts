import { randomUUID } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import { AUDIT_TABLE, MAIN_TABLE } from '../functions/shared/db/tables.ts';
import { getRuntime } from '../functions/shared/runtime.ts';
import { streamCaughtUp } from '../local/invocations.ts';
import { api, createCustomer, createProduct, grant } from '../test/support/api-client.ts';
import { DynamoDbMeter, type PartitionLine } from './cost/dynamodb-meter.ts';
import { inParallel, reconciliationLine, startBenchStack } from './support.ts';

/**
 * How fast the service could go in AWS before one partition key throttles it. DynamoDB gives each
 * partition key (of a table or of an index) at most 1,000 write units a second, so the key that
 * takes the most units per purchase sets the ceiling: 1,000 ÷ its units per purchase. Counted on a
 * stack of its own by bench:cost's meter (bench/cost/dynamodb-meter.ts), audit included, in two
 * workloads:
 * - spread: N purchases, each by its own customer of its own product;
 * - flash: N purchases of one product with one limited promo code, each by its own customer.
 * Only keys that purchases share set the ceiling. A key that holds one purchase, or one customer or
 * product that only one purchase of the run used (its partition, its audit trail, its index entries),
 * takes 1/N of the run's units whatever N is: it is listed apart, since at any rate it takes its
 * units once. Shards are chosen by a hash of the purchase id, so a sharded key's count varies around
 * its mean: the observed hottest key is what is printed, and N should be large enough for that to be
 * fair.
 *   npm run bench:scale [-- --purchases 400]
 */

const PURCHASES = Number(argument('--purchases') ?? 400);
const CONCURRENCY = 8;
/** DynamoDB's limit per partition key, on tables and indexes alike. */
const UNITS_PER_KEY_PER_SECOND = 1_000;
const TARGETS = { spread: 10_000, flash: 2_000 } as const;
const SHOWN = 8;

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

// The service's own logs are not the bench's output.
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (() => true) as typeof process.stdout.write;
const print = (line = ''): void => {
  write(`${line}\n`);
};

let caughtUp = 0;
subscribe(streamCaughtUp.name, () => {
  caughtUp += 1;
});
/** Until the stream poller, in a round begun after the workload, found nothing new. */
async function auditDrained(): Promise<void> {
  const target = caughtUp + 2;
  while (caughtUp < target) await new Promise((resolve) => setTimeout(resolve, 20));
}

const stack = await startBenchStack();
const meter = new DynamoDbMeter(stack.dynamoDbEndpoint, [
  { name: stack.tables.main, declaration: MAIN_TABLE },
  { name: stack.tables.audit, declaration: AUDIT_TABLE },
]);
meter.attach(getRuntime().documentClient);

async function customers(count: number): Promise<string[]> {
  return inParallel(count, CONCURRENCY, async () => {
    const id = await createCustomer('Scale Customer');
    await grant(id, 100_000);
    return id;
  });
}

interface Bought {
  id: string;
  customerId: string;
  productId: string;
}

async function purchase(body: Record<string, unknown>): Promise<Bought> {
  const answer = await api<Bought>('POST', '/v1/purchases', {
    headers: { 'idempotency-key': randomUUID() },
    body: { quantity: 1, ...body },
  });
  if (answer.status !== 201)
    throw new Error(`purchase: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** The ids that name one purchase of the run only: each purchase, and customers and products bought once. */
function ownIds(bought: readonly Bought[]): Set<string> {
  const uses = new Map<string, number>();
  for (const id of bought.flatMap((one) => [one.customerId, one.productId]))
    uses.set(id, (uses.get(id) ?? 0) + 1);
  return new Set([
    ...bought.map((one) => one.id),
    ...[...uses].filter(([, count]) => count === 1).map(([id]) => id),
  ]);
}

/** Whether a key belongs to one purchase: it names an id of the run's that only one purchase has. */
const isOwnKey = (partition: string, own: Set<string>): boolean =>
  partition.split('#').some((part) => own.has(part));

/** Runs the purchases with the meter on, until the audit has taken every change they made. */
async function measured(run: () => Promise<Bought[]>): Promise<{ keys: PartitionLine[]; own: Set<string> }> {
  await auditDrained();
  meter.reset();
  meter.resume();
  const bought = await run();
  await auditDrained();
  meter.pause();
  return { keys: meter.partitionKeys(), own: ownIds(bought) };
}

const where = (line: PartitionLine): string =>
  `${line.table}${line.index === undefined ? '' : ` ${line.index}`} ${line.partition}`;

/** Prints the hottest keys of a workload and its ceiling; answers the ceiling. */
function report(name: keyof typeof TARGETS, run: { keys: PartitionLine[]; own: Set<string> }): number {
  const { keys, own } = run;
  const byUnits = [...keys].sort((a, b) => b.writeUnits - a.writeUnits);
  const shared = byUnits.filter((line) => !isOwnKey(line.partition, own));
  const hottest = shared.slice(0, SHOWN);
  const hottestOwn = byUnits.find((line) => isOwnKey(line.partition, own));
  const perPurchase = (line: PartitionLine): number => line.writeUnits / PURCHASES;
  const ceiling = (line: PartitionLine | undefined): number =>
    line === undefined ? Number.POSITIVE_INFINITY : UNITS_PER_KEY_PER_SECOND / perPurchase(line);
  const total = keys.reduce((sum, line) => sum + line.writeUnits, 0) / PURCHASES;
  print(
    `\n${name}: ${PURCHASES} purchases, ${total.toFixed(1)} write units each over ${keys.length} keys (${shared.length} shared)`,
  );
  print(
    `  ${'partition key (table, index, key)'.padEnd(72)} ${'WU/purchase'.padStart(11)} ${'ceiling/s'.padStart(10)}`,
  );
  for (const line of hottest)
    print(
      `  ${where(line).slice(0, 72).padEnd(72)} ${perPurchase(line).toFixed(3).padStart(11)} ${Math.floor(ceiling(line)).toLocaleString('en-US').padStart(10)}`,
    );
  if (hottestOwn)
    print(
      `  (${keys.length - shared.length} keys of one purchase, customer or product each; the largest, ${where(hottestOwn).slice(0, 60)}, ${hottestOwn.writeUnits} WU once)`,
    );
  const result = Math.floor(ceiling(hottest[0]));
  print(
    `  ceiling: ${result.toLocaleString('en-US')} purchases/s (target ${TARGETS[name].toLocaleString('en-US')}: ${result >= TARGETS[name] ? 'met' : 'MISSED'})`,
  );
  return result;
}

try {
  meter.pause();
  // Spread: every purchase its own customer and product.
  const spreadBuyers = await customers(PURCHASES);
  const spreadProducts = await inParallel(PURCHASES, CONCURRENCY, () => createProduct(1));
  const spread = await measured(() =>
    inParallel(PURCHASES, CONCURRENCY, (index) =>
      purchase({ customerId: spreadBuyers[index], productId: spreadProducts[index]?.id }),
    ),
  );

  // Flash: one product, one limited promo code, every purchase its own customer.
  const flashBuyers = await customers(PURCHASES);
  const product = await createProduct(1);
  const promoCode = `FLASH${randomUUID().slice(0, 8).toUpperCase()}`;
  const created = await api('POST', '/v1/promo-codes', {
    body: { code: promoCode, kind: 'PERCENT', percentOff: 10, maxRedemptions: 10 * PURCHASES },
  });
  if (created.status !== 201) throw new Error(`promo code: HTTP ${created.status}`);
  const flash = await measured(() =>
    inParallel(PURCHASES, CONCURRENCY, (index) =>
      purchase({ customerId: flashBuyers[index], productId: product.id, promoCode }),
    ),
  );

  report('spread', spread);
  report('flash', flash);
  print();
  print(await reconciliationLine());
} finally {
  await stack.stop();
}

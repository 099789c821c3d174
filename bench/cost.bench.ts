import { randomUUID } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import { DEFAULT_MEMORY_MB, ROUTES, type RouteDeclaration } from '../functions/routes.ts';
import { AUDIT_TABLE, MAIN_TABLE } from '../functions/shared/db/tables.ts';
import { getRuntime } from '../functions/shared/runtime.ts';
import {
  AUDIT_PROJECTOR,
  RESERVATION_SWEEPER,
  SAGA_TASKS,
  type WorkerDeclaration,
} from '../functions/workers.ts';
import {
  type ExecutionReport,
  executions,
  type InvocationReport,
  invocations,
  streamCaughtUp,
} from '../local/invocations.ts';
import { api, createCustomer, createProduct, grant } from '../test/support/api-client.ts';
import { type CapacityLine, DynamoDbMeter } from './cost/dynamodb-meter.ts';
import { LAMBDA_PLATFORM_LOG_BYTES, PRICES } from './cost/prices.ts';
import { reconciliationLine, startBenchStack } from './support.ts';

/**
 * What a million purchases cost in AWS, counted from a run on the local stack: every DynamoDB call
 * (metered by AWS's rules, bench/cost/dynamodb-meter.ts), every function invocation with its
 * declared memory and measured duration, every Express execution, API request and log byte, priced
 * by bench/cost/prices.ts. Purchases and refunds are counted apart. Prints figures; asserts nothing.
 *   npm run bench:cost [-- --purchases 200]
 */

const PURCHASES = Number(argument('--purchases') ?? 200);
const CONCURRENCY = 4;
/** Each customer buys this many times (in each of the two runs of the purchase phase). */
const PER_CUSTOMER = 4;

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

/** What Lambda bills per function: its memory, from the same declarations CDK deploys. */
const MEMORY_MB = new Map<string, number>([
  ...(ROUTES as readonly RouteDeclaration[]).map((route): [string, number] => [
    route.operationId,
    route.memoryMb ?? DEFAULT_MEMORY_MB,
  ]),
  ...([...SAGA_TASKS, RESERVATION_SWEEPER, AUDIT_PROJECTOR] as readonly WorkerDeclaration[]).map(
    (worker): [string, number] => [worker.id, worker.memoryMb ?? DEFAULT_MEMORY_MB],
  ),
]);

interface Usage {
  apiRequests: number;
  invocations: Map<string, { count: number; billedMs: number; records: number }>;
  executions: { count: number; billedMs: number };
  logBytes: number;
}

const emptyUsage = (): Usage => ({
  apiRequests: 0,
  invocations: new Map(),
  executions: { count: 0, billedMs: 0 },
  logBytes: 0,
});

// Logs as deployed: Powertools' default level (INFO) and the business metrics' EMF lines, counted
// and not shown.
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
let usage = emptyUsage();
/** Whether invocations and log bytes are being counted. The service's own output is never shown. */
let counting = false;
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array) => {
  if (counting) usage.logBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
  return true;
}) as typeof process.stdout.write;
const print = (line = ''): void => {
  write(`${line}\n`);
};

/** Rounds of the stream poller that found nothing new. */
let caughtUp = 0;
subscribe(streamCaughtUp.name, () => {
  caughtUp += 1;
});
subscribe(invocations.name, (message) => {
  const report = message as InvocationReport;
  if (!counting) return;
  const entry = usage.invocations.get(report.functionId) ?? { count: 0, billedMs: 0, records: 0 };
  entry.count += 1;
  entry.billedMs +=
    Math.ceil(report.durationMs / PRICES.lambda.billingIncrementMs) * PRICES.lambda.billingIncrementMs;
  entry.records += report.records ?? 0;
  usage.invocations.set(report.functionId, entry);
});
subscribe(executions.name, (message) => {
  if (!counting) return;
  const report = message as ExecutionReport;
  const step = PRICES.stepFunctionsExpress.billingIncrementMs;
  usage.executions.count += 1;
  usage.executions.billedMs += Math.max(1, Math.ceil(report.durationMs / step)) * step;
});

const stack = await startBenchStack();
const meter = new DynamoDbMeter(stack.dynamoDbEndpoint, [
  { name: stack.tables.main, declaration: MAIN_TABLE },
  { name: stack.tables.audit, declaration: AUDIT_TABLE },
]);
meter.attach(getRuntime().documentClient);

/**
 * Waits until the audit projector has taken every change the phase made (the stream is
 * asynchronous): until the stream poller, in a round begun after the phase, found nothing new.
 */
async function auditDrained(): Promise<void> {
  const target = caughtUp + 2;
  while (caughtUp < target) await new Promise((resolve) => setTimeout(resolve, 20));
}

/**
 * Runs one phase twice: once with the DynamoDB meter (which reads each item before and after each
 * write, so it slows every call down) for the capacity, once without it for the durations, the
 * invocations and the log bytes that Lambda would bill.
 */
async function phase<T>(
  run: (round: 0 | 1) => Promise<T>,
): Promise<{ lines: CapacityLine[]; usage: Usage; results: [T, T] }> {
  usage = emptyUsage();
  meter.reset();
  meter.resume();
  const metered = await run(0);
  await auditDrained();
  meter.pause();
  const lines = meter.snapshot();

  usage = emptyUsage();
  counting = true;
  const timed = await run(1);
  await auditDrained();
  counting = false;
  return { lines, usage, results: [metered, timed] };
}

async function inBatches<T>(count: number, call: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += CONCURRENCY) {
    const batch = Array.from({ length: Math.min(CONCURRENCY, count - start) }, (_, offset) =>
      call(start + offset),
    );
    results.push(...(await Promise.all(batch)));
  }
  return results;
}

const money = (dollars: number): string => `$${dollars.toFixed(2)}`.padStart(9);

/** Prints the bill of one phase, per million of its operations. */
function bill(title: string, operations: number, measured: { lines: CapacityLine[]; usage: Usage }): number {
  const perMillion = 1_000_000 / operations;
  const { lines, usage: used } = measured;
  const dynamo = PRICES.dynamodb;
  const rows: [string, string, number][] = [];

  const byTable = (table: string, pick: (line: CapacityLine) => number): number =>
    lines.filter((line) => line.table === table).reduce((sum, line) => sum + pick(line), 0);
  for (const table of [MAIN_TABLE.id, AUDIT_TABLE.id]) {
    const writes = byTable(table, (line) => line.writeUnits);
    const indexWrites = byTable(table, (line) => line.indexWriteUnits);
    const reads = byTable(table, (line) => line.readUnits);
    rows.push([
      `DynamoDB ${table} writes`,
      `${(writes / operations).toFixed(1)} WRU`,
      (writes * dynamo.perMillionWriteUnits) / 1e6,
    ]);
    rows.push([
      `DynamoDB ${table} index writes`,
      `${(indexWrites / operations).toFixed(1)} WRU`,
      (indexWrites * dynamo.perMillionWriteUnits) / 1e6,
    ]);
    rows.push([
      `DynamoDB ${table} reads`,
      `${(reads / operations).toFixed(1)} RRU`,
      (reads * dynamo.perMillionReadUnits) / 1e6,
    ]);
  }
  const streamRecords = used.invocations.get(AUDIT_PROJECTOR.id)?.records ?? 0;
  rows.push(['DynamoDB stream (read by Lambda)', `${(streamRecords / operations).toFixed(1)} records`, 0]);

  let invocationsCount = 0;
  for (const [id, entry] of [...used.invocations].sort(([a], [b]) => a.localeCompare(b))) {
    const memoryGb = (MEMORY_MB.get(id) ?? DEFAULT_MEMORY_MB) / 1024;
    invocationsCount += entry.count;
    const cost =
      (entry.count * PRICES.lambda.perMillionRequests) / 1e6 +
      (entry.billedMs / 1000) * memoryGb * PRICES.lambda.perGbSecond;
    rows.push([
      `Lambda ${id} (${MEMORY_MB.get(id) ?? DEFAULT_MEMORY_MB} MB)`,
      `${(entry.count / operations).toFixed(2)} × ${(entry.billedMs / entry.count).toFixed(0)} ms`,
      cost,
    ]);
  }
  const express = PRICES.stepFunctionsExpress;
  if (used.executions.count > 0) {
    const memoryGb = express.memoryStepMb / 1024;
    rows.push([
      'Step Functions Express',
      `${(used.executions.count / operations).toFixed(2)} × ${(used.executions.billedMs / used.executions.count).toFixed(0)} ms`,
      (used.executions.count * express.perMillionRequests) / 1e6 +
        (used.executions.billedMs / 1000) * memoryGb * express.perGbSecond,
    ]);
  }
  rows.push([
    'API Gateway HTTP API',
    `${(used.apiRequests / operations).toFixed(2)} requests`,
    (used.apiRequests * PRICES.apiGatewayHttp.perMillionRequests) / 1e6,
  ]);
  const logBytes = used.logBytes + invocationsCount * LAMBDA_PLATFORM_LOG_BYTES;
  rows.push([
    'CloudWatch Logs',
    `${(logBytes / operations).toFixed(0)} bytes`,
    (logBytes / 1024 ** 3) * PRICES.cloudWatchLogs.perGbIngested,
  ]);
  rows.push([
    'X-Ray (5 % sampled)',
    `${PRICES.xray.sampledShare} traces`,
    (used.apiRequests * PRICES.xray.sampledShare * PRICES.xray.perMillionTracesRecorded) / 1e6,
  ]);

  const total = rows.reduce((sum, [, , cost]) => sum + cost, 0) * perMillion;
  print(
    `\n${title}: ${money(total)} per million (${operations} measured; prices ${PRICES.region}, ${PRICES.asOf})`,
  );
  // The same units on provisioned capacity: what steady traffic would pay with auto scaling.
  const units = (pick: (line: CapacityLine) => number): number =>
    lines.reduce((sum, line) => sum + pick(line), 0);
  const writes = units((line) => line.writeUnits + line.indexWriteUnits);
  const reads = units((line) => line.readUnits);
  const onDemand = (writes * dynamo.perMillionWriteUnits + reads * dynamo.perMillionReadUnits) / 1e6;
  const { perWcuHour, perRcuHour, utilisation } = dynamo.provisioned;
  const provisioned = (writes * perWcuHour + reads * perRcuHour) / 3600 / utilisation;
  print(
    `  (with DynamoDB on provisioned capacity at ${utilisation * 100} % use: ${money(total - (onDemand - provisioned) * perMillion)} per million)`,
  );
  print(`  ${'what'.padEnd(44)} ${'per operation'.padEnd(22)} per million`);
  for (const [what, amount, cost] of rows)
    print(`  ${what.padEnd(44)} ${amount.padEnd(22)} ${money(cost * perMillion)}`);

  print(`  DynamoDB by operation (per ${title.split(' ')[0]?.toLowerCase()}):`);
  const top = [...lines]
    .sort((a, b) => b.writeUnits + b.indexWriteUnits - (a.writeUnits + a.indexWriteUnits))
    .slice(0, 14);
  for (const line of top) {
    print(
      `    ${`${line.table} ${line.label}`.padEnd(58)} ${(line.calls / operations).toFixed(2).padStart(5)} calls ${((line.writeUnits + line.indexWriteUnits) / operations).toFixed(2).padStart(6)} WRU (index ${(line.indexWriteUnits / operations).toFixed(2)}) ${(line.readUnits / operations).toFixed(2).padStart(5)} RRU`,
    );
  }
  return total;
}

try {
  meter.pause();
  const customers = await Promise.all(
    Array.from({ length: Math.ceil((2 * PURCHASES) / PER_CUSTOMER) }, async () => {
      const id = await createCustomer('Bench Customer');
      await grant(id, 1_000_000);
      return id;
    }),
  );
  const products = await Promise.all([199, 1_250, 4_999, 24_900].map((cents) => createProduct(cents / 100)));
  const promoCode = `BENCH${randomUUID().slice(0, 8).toUpperCase()}`;
  const created = await api('POST', '/v1/promo-codes', {
    body: { code: promoCode, kind: 'PERCENT', percentOff: 10 },
  });
  if (created.status !== 201) throw new Error(`promo code: HTTP ${created.status}`);
  await new Promise((resolve) => setTimeout(resolve, 1_000));

  const purchases = await phase(() =>
    inBatches(PURCHASES, async (index) => {
      usage.apiRequests += 1;
      const answer = await api<{ id: string; quantity: number }>('POST', '/v1/purchases', {
        headers: { 'idempotency-key': randomUUID() },
        body: {
          // Concurrent purchases are of different customers: no retries of a lost race in the figures.
          customerId: customers[index % customers.length],
          productId: products[index % products.length]?.id,
          quantity: 1 + (index % 5),
          // One purchase in ten uses the promo code.
          ...(index % 10 === 0 ? { promoCode } : {}),
        },
      });
      if (answer.status !== 201)
        throw new Error(`purchase ${index}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body;
    }),
  );
  // One purchase in four is refunded: one unit of it.
  const [first, second] = purchases.results.map((run) => run.filter((_, index) => index % 4 === 0));
  const refunded = [first ?? [], second ?? []] as const;
  const refunds = await phase((round) =>
    inBatches(refunded[round].length, async (index) => {
      usage.apiRequests += 1;
      const answer = await api('POST', `/v1/purchases/${refunded[round][index]?.id}/refunds`, {
        headers: { 'idempotency-key': randomUUID() },
        body: { quantity: 1, reason: 'bench refund' },
      });
      if (answer.status !== 201) throw new Error(`refund: HTTP ${answer.status}`);
    }),
  );

  const purchaseCost = bill('Purchases', PURCHASES, purchases);
  const refundCost = bill('Refunds', refunded[0].length, refunds);
  print(
    `\nA million purchases with a quarter of them refunded once: ${money(purchaseCost + refundCost / 4)} (the target: $10.00)`,
  );
  print(await reconciliationLine());
} finally {
  counting = false;
  await stack.stop();
}

import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ExternalApiClient } from '../functions/shared/external/external-api.client.ts';
import { DynamoIdempotencyStore } from '../functions/shared/http/idempotency.store.ts';
import { localTrace } from '../local/trace-hooks.ts';

/**
 * The purchase bench's timing breakdown (BENCH_TRACE=1): every marked step of a purchase, nested as
 * it ran. The local emulation marks its own steps (local/trace-hooks.ts); the service's adapters are
 * wrapped here, at their prototypes, so nothing in functions/ knows about it.
 */

interface SpanRecord {
  name: string;
  start: number;
  end: number;
  children: SpanRecord[];
}

const current = new AsyncLocalStorage<SpanRecord>();
let roots: SpanRecord[] = [];
let enabled = false;

/** Runs `run` as a step of whatever step is running (or as a root); untimed when tracing is off. */
export function span<T>(name: string, run: () => Promise<T>): Promise<T> {
  if (!enabled) return run();
  const record: SpanRecord = { name, start: performance.now(), end: Number.NaN, children: [] };
  (current.getStore()?.children ?? roots).push(record);
  return current.run(record, async () => {
    try {
      return await run();
    } finally {
      record.end = performance.now();
    }
  });
}

type AnyMethod = (this: unknown, ...args: unknown[]) => Promise<unknown>;

function wrapMethods(prototype: object, label: string, names: readonly string[]): void {
  const methods = prototype as Record<string, AnyMethod>;
  for (const name of names) {
    const original = methods[name];
    if (typeof original !== 'function') throw new Error(`${label} has no method ${name}`);
    methods[name] = function (this: unknown, ...args: unknown[]) {
      return span(`${label}.${name}`, () => original.apply(this, args));
    };
  }
}

let installed = false;

/** Marks the local emulation's steps and the service's calls; call before anything is traced. */
export function installTrace(): void {
  if (installed) return;
  installed = true;
  localTrace.span = span;
  const documentSend = DynamoDBDocumentClient.prototype.send as unknown as AnyMethod;
  (DynamoDBDocumentClient.prototype as unknown as { send: AnyMethod }).send = function (
    this: unknown,
    ...args: unknown[]
  ) {
    const command = (args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, '');
    return span(`DynamoDB ${command}`, () => documentSend.apply(this, args));
  };
  wrapMethods(SFNClient.prototype, 'SFN', ['send']);
  wrapMethods(DynamoIdempotencyStore.prototype, 'idempotency', ['claim', 'complete', 'release']);
  wrapMethods(ExternalApiClient.prototype, 'external', ['getCustomer', 'getProduct', 'createShipment']);
}

/** Starts recording (and forgets what was recorded). */
export function startTrace(): void {
  roots = [];
  enabled = true;
}

/** Stops recording; returns the root steps recorded. */
export function stopTrace(): SpanRecord[] {
  enabled = false;
  return roots;
}

/** The time of `record` not covered by any of its children (children may overlap: parallel reads). */
function selfTime(record: SpanRecord): number {
  const intervals = record.children
    .map((child) => [child.start, child.end] as const)
    .sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let reach = Number.NEGATIVE_INFINITY;
  for (const [start, end] of intervals) {
    if (end <= reach) continue;
    covered += end - Math.max(start, reach);
    reach = end;
  }
  return record.end - record.start - covered;
}

interface Row {
  path: string;
  depth: number;
  name: string;
  count: number;
  totalMs: number;
  selfMs: number;
}

/** Aggregates spans by their path from the root, keeping the order in which paths first appeared. */
function rowsOf(records: readonly SpanRecord[]): Row[] {
  const rows = new Map<string, Row>();
  const visit = (record: SpanRecord, path: string, depth: number): void => {
    const key = `${path}/${record.name}`;
    let row = rows.get(key);
    if (!row) {
      row = { path: key, depth, name: record.name, count: 0, totalMs: 0, selfMs: 0 };
      rows.set(key, row);
    }
    row.count += 1;
    row.totalMs += record.end - record.start;
    row.selfMs += selfTime(record);
    for (const child of record.children) visit(child, key, depth + 1);
  };
  for (const record of records) visit(record, '', 0);
  return [...rows.values()];
}

/**
 * Prints the steps of `purchases` purchases as a tree: how many times each ran per purchase, its
 * mean time per purchase and the part of it no marked sub-step accounts for (self).
 */
export function printTrace(
  records: readonly SpanRecord[],
  purchases: number,
  requestRoots: readonly string[],
): void {
  const finished = records.filter((record) => Number.isFinite(record.end));
  const request = finished.filter((record) => requestRoots.includes(record.name));
  const background = finished.filter((record) => !requestRoots.includes(record.name));
  console.log(`\nwhere a purchase's time goes (${purchases} sequential purchases, mean ms per purchase)`);
  console.log(`${'step'.padEnd(58)} ${'calls'.padStart(5)} ${'total'.padStart(7)} ${'self'.padStart(7)}`);
  const print = (row: Row): void =>
    console.log(
      [
        `${'  '.repeat(row.depth)}${row.name}`.padEnd(58),
        (row.count / purchases).toFixed(1).padStart(5),
        (row.totalMs / purchases).toFixed(2).padStart(7),
        (row.selfMs / purchases).toFixed(2).padStart(7),
      ].join(' '),
    );
  const rows = rowsOf(request);
  for (const row of rows) print(row);
  // The hops between roots (an HTTP request in this process starts a root of its own).
  const mean = (select: (row: Row) => boolean, value: (row: Row) => number): number =>
    rows.filter(select).reduce((sum, row) => sum + value(row), 0) / purchases;
  const total = (path: string): number =>
    mean(
      (row) => row.path === path,
      (row) => row.totalMs,
    );
  const clientHop = total('/client api (test api-client)') - total('/http api');
  const sfnHop = total('/http api/handler CreatePurchase/SFN.send') - total('/sfn endpoint');
  const emulation = mean(
    (row) => /^\/(http api|sfn endpoint)(\/sfn execution(\/task \w+)?)?$/.test(row.path),
    (row) => row.selfMs,
  );
  console.log(`hop: test client → local API (fetch, the answer's OpenAPI check)   ${clientHop.toFixed(2)}`);
  console.log(`hop: SFN client → local StartSyncExecution endpoint (SDK, HTTP)    ${sfnHop.toFixed(2)}`);
  console.log(`local emulation's own steps (API, endpoint, interpreter, task shims) ${emulation.toFixed(2)}`);
  const backgroundMs = background.reduce((sum, record) => sum + record.end - record.start, 0);
  console.log(
    `${'(outside any request: audit projector, sweeper)'.padEnd(58)} ${(background.length / purchases).toFixed(1).padStart(5)} ${(backgroundMs / purchases).toFixed(2).padStart(7)}`,
  );
}

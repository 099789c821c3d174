import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type LocalStack, startLocalStack } from '../local/stack.ts';
import { reconcileOnceSettled } from '../test/support/books.ts';
import { stackEnvironment } from '../test/support/stack.ts';

/**
 * What the benches share: a local stack of their own (in memory, free ports), announced through the
 * same environment the test client reads, and a burst runner that prints one line of figures.
 */
export async function startBenchStack(): Promise<LocalStack> {
  const stack = await startLocalStack({
    apiPort: 0,
    mockApiPort: 0,
    dynamoDbPort: 0,
    dataDir: undefined,
    tablePrefix: 'bench-',
    sweepIntervalMs: 60_000,
    expiryIntervalMs: 300_000,
    oidcPort: 0,
    oidcKeysFile: join(mkdtempSync(join(tmpdir(), 'bench-oidc-')), 'keys.json'),
    adminAppRedirectUris: [],
    adminAppOrigin: 'http://localhost:5173',
    // The benches measure the service, not the throttle in front of it.
    throttle: { ratePerSecond: 1_000_000, burst: 1_000_000 },
  });
  // No demo data to load first: the API may answer at once.
  stack.markReady();
  Object.assign(process.env, stackEnvironment(stack));
  return stack;
}

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU seconds a process has used so far, from /proc (Linux); undefined elsewhere. */
function processCpuSeconds(pid: number): number | undefined {
  try {
    // The fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The descendants of `pid` (Linux; empty elsewhere). */
function descendants(pid: number): number[] {
  try {
    const children = readdirSync(`/proc/${pid}/task`)
      .flatMap((task) => readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(' '))
      .filter((child) => child !== '')
      .map(Number);
    return children.flatMap((child) => [child, ...descendants(child)]);
  } catch {
    return [];
  }
}

/** Processes under this one whose program (argv[0]) is `program`: DynamoDB Local's JVM. */
function descendantsRunning(program: string): number[] {
  return descendants(process.pid).filter((pid) => {
    try {
      const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
      return argv0 === program || argv0.endsWith(`/${program}`);
    } catch {
      return false;
    }
  });
}

/**
 * CPU seconds used by this process (the stack's handlers, the local emulation and the bench's
 * client) and by DynamoDB Local, from now until the returned function is called.
 */
export function cpuMeter(): () => { nodeSeconds: number; dynamoDbSeconds: number | undefined } {
  const startNode = process.cpuUsage();
  const java = descendantsRunning('java');
  const dynamoDbSeconds = (): number | undefined => {
    const each = java.map(processCpuSeconds);
    return each.some((seconds) => seconds === undefined)
      ? undefined
      : each.reduce<number>((sum, seconds) => sum + (seconds ?? 0), 0);
  };
  const startDynamoDb = dynamoDbSeconds();
  return () => {
    const node = process.cpuUsage(startNode);
    const endDynamoDb = dynamoDbSeconds();
    return {
      nodeSeconds: (node.user + node.system) / 1e6,
      dynamoDbSeconds:
        startDynamoDb === undefined || endDynamoDb === undefined || java.length === 0
          ? undefined
          : endDynamoDb - startDynamoDb,
    };
  };
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

/** The p50 and p95 of a sample. */
export function latencySummary(samples: readonly number[]): { p50: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95) };
}

/** `run(0 … count - 1)`, at most `concurrency` at a time; the results in index order. */
export async function inParallel<T>(
  count: number,
  concurrency: number,
  run: (index: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const index = next;
        next += 1;
        results[index] = await run(index);
      }
    }),
  );
  return results;
}

export const BURST_HEADER = 'burst  ok  422  other  total_ms  p50_ms  p95_ms  max_ms';

/** Fires `burst` calls at once; prints how many got 201 / 422 / anything else, and the latencies. */
export async function measureBurst(burst: number, call: () => Promise<number>): Promise<void> {
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: burst }, async () => {
      const t0 = performance.now();
      const status = await call();
      return { status, ms: performance.now() - t0 };
    }),
  );
  const total = performance.now() - started;
  const latencies = results.map((result) => result.ms).sort((a, b) => a - b);
  const count = (predicate: (status: number) => boolean): number =>
    results.filter((r) => predicate(r.status)).length;
  console.log(
    [
      String(burst).padStart(5),
      String(count((s) => s === 201)).padStart(3),
      String(count((s) => s === 422)).padStart(4),
      String(count((s) => s !== 201 && s !== 422)).padStart(6),
      total.toFixed(0).padStart(9),
      percentile(latencies, 0.5).toFixed(0).padStart(7),
      percentile(latencies, 0.95).toFixed(0).padStart(7),
      (latencies.at(-1) ?? 0).toFixed(0).padStart(7),
    ].join(' '),
  );
}

/**
 * `npm run reconcile`'s checks on the bench's own stack once the audit has caught up: a bench that
 * leaves the books out of balance (ledger, holds, refunds, audit trail) says so.
 */
export async function reconciliationLine(): Promise<string> {
  const report = await reconcileOnceSettled();
  const checked = Object.entries(report.checked)
    .map(([what, count]) => `${count} ${what}`)
    .join(', ');
  return report.breaches.length === 0
    ? `reconcile: books balance (${checked})`
    : `reconcile: ${report.breaches.length} breaches\n  ${report.breaches.slice(0, 10).join('\n  ')}`;
}

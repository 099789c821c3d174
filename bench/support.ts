import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type LocalStack, startLocalStack } from '../local/stack.ts';
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

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

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

import { performance } from 'node:perf_hooks';
import { startLocalStack } from '../local/stack.ts';

/**
 * Measures concurrent credit changes on one account against the local stack (DynamoDB Local):
 * how long a burst takes to be decided and what each caller waits. Prints figures; asserts nothing.
 *   npm run bench
 */
const stack = await startLocalStack({
  apiPort: 0,
  mockApiPort: 0,
  dynamoDbPort: 0,
  dataDir: undefined,
  tablePrefix: 'bench-',
  sweepIntervalMs: 60_000,
});

const ADDRESS = { line1: '1 Bench St', city: 'Benchville', postalCode: '00001', state: 'BE', country: 'US' };

async function post(path: string, body: unknown): Promise<number> {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

try {
  console.log('burst  ok  422  other  total_ms  p50_ms  p95_ms  max_ms');
  for (const burst of [1, 10, 25, 50, 100]) {
    const customer = (await (
      await fetch(`${stack.mockApiUrl}/customers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'bench',
          email: 'bench@example.com',
          billingAddress: ADDRESS,
          shippingAddress: ADDRESS,
        }),
      })
    ).json()) as { id: string };
    const path = `/v1/customers/${customer.id}/credit`;
    await post(`${path}/grants`, { amountCents: burst * 50, reason: 'bench' });

    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: burst }, async () => {
        const t0 = performance.now();
        const status = await post(`${path}/deductions`, { amountCents: 100, reason: 'bench' });
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
} finally {
  await stack.stop();
}

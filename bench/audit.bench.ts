import { performance } from 'node:perf_hooks';
import { api, createCustomer, grant, type Page } from '../test/support/api-client.ts';
import { startBenchStack } from './support.ts';

/**
 * How long a change takes to appear in the audit trail (DynamoDB Local's stream → poller → projector
 * → audit table), one change at a time and in bursts. Prints figures; asserts nothing.
 *   npm run bench:audit
 */
const stack = await startBenchStack();

async function auditCount(customerId: string): Promise<number> {
  const answer = await api<Page<unknown>>(
    'GET',
    `/v1/audit?entityType=CREDIT&entityId=${customerId}&limit=100`,
  );
  return answer.body.items.length;
}

async function waitForAudit(customerId: string, count: number): Promise<void> {
  while ((await auditCount(customerId)) < count) await new Promise((resolve) => setTimeout(resolve, 2));
}

try {
  console.log('grants   lag_to_last_record_ms');
  for (const burst of [1, 1, 1, 10, 50]) {
    const customerId = await createCustomer('bench');
    const started = performance.now();
    await Promise.all(Array.from({ length: burst }, () => grant(customerId, 100)));
    const written = performance.now();
    await waitForAudit(customerId, burst);
    console.log(
      `${String(burst).padStart(6)}   ${(performance.now() - written).toFixed(0).padStart(5)}   (grants took ${(written - started).toFixed(0)} ms)`,
    );
  }
} finally {
  await stack.stop();
}

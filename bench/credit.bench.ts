import { api, createCustomer, grant } from '../test/support/api-client.ts';
import { BURST_HEADER, measureBurst, startBenchStack } from './support.ts';

/**
 * Concurrent deductions on one account (DynamoDB Local): how long a burst takes to be decided and
 * what each caller waits. The balance covers half of each burst. Prints figures; asserts nothing.
 *   npm run bench:credit
 */
const stack = await startBenchStack();
try {
  console.log(`deductions of 1.00 from one account\n${BURST_HEADER}`);
  for (const burst of [1, 10, 25, 50, 100]) {
    const customerId = await createCustomer('bench');
    await grant(customerId, burst * 50);
    await measureBurst(burst, async () => {
      const answer = await api('POST', `/v1/customers/${customerId}/credit/deductions`, {
        body: { amountCents: 100, reason: 'bench' },
      });
      return answer.status;
    });
  }
} finally {
  await stack.stop();
}

import { api, createCustomer, createProduct, grant } from '../test/support/api-client.ts';
import { BURST_HEADER, measureBurst, startBenchStack } from './support.ts';

/**
 * Concurrent purchases by one customer through the whole saga (quote, reserve, ship, commit) on the
 * local stack. The credit covers half of each burst, so half the sagas end at Reserve.
 * Prints figures; asserts nothing.
 *   npm run bench:purchase
 */
const stack = await startBenchStack();
try {
  console.log(`purchases of a 1.00 product by one customer\n${BURST_HEADER}`);
  for (const burst of [1, 10, 25, 50, 100]) {
    const customerId = await createCustomer('bench');
    const product = await createProduct(1);
    await grant(customerId, burst * 50);
    await measureBurst(burst, async () => {
      const answer = await api('POST', '/v1/purchases', { body: { customerId, productId: product.id } });
      return answer.status;
    });
  }
} finally {
  await stack.stop();
}

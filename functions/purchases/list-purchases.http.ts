import { httpRoute } from '#shared/http/route.ts';
import { getRuntime } from '#shared/runtime.ts';
import { purchaseRepository } from './purchase.deps.ts';
import { ListPurchasesQuerySchema } from './purchase.schemas.ts';
import { listPurchases } from './purchase.ts';

const runtime = getRuntime();
const deps = { purchases: purchaseRepository(runtime) };

export const handler = httpRoute(
  { query: ListPurchasesQuerySchema, operationId: 'ListPurchases', verifier: runtime.tokenVerifier },
  async ({ query: { customerId, productId, ...page } }) => ({
    statusCode: 200,
    body: await listPurchases(deps, { customerId, productId }, page),
  }),
);

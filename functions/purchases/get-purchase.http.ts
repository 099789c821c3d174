import { httpRoute } from '#shared/http/route.ts';
import { getRuntime } from '#shared/runtime.ts';
import { purchaseRepository } from './purchase.deps.ts';
import { PurchasePathSchema } from './purchase.schemas.ts';
import { getPurchase } from './purchase.ts';

const runtime = getRuntime();
const deps = { purchases: purchaseRepository(runtime) };

export const handler = httpRoute(
  { params: PurchasePathSchema, operationId: 'GetPurchase', verifier: runtime.tokenVerifier },
  async ({ params }) => ({ statusCode: 200, body: await getPurchase(deps, params.purchaseId) }),
);

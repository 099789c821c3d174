import { httpRoute } from '#shared/http/route.ts';
import { PageQuerySchema } from '#shared/pagination.ts';
import { getRuntime } from '#shared/runtime.ts';
import { PurchasePathSchema } from '../purchases/purchase.schemas.ts';
import { refundRepository } from './refund.deps.ts';
import { listRefunds } from './refund.ts';

const runtime = getRuntime();
const deps = { refunds: refundRepository(runtime) };

export const handler = httpRoute(
  {
    params: PurchasePathSchema,
    query: PageQuerySchema,
    operationId: 'ListRefunds',
    verifier: runtime.tokenVerifier,
  },
  async ({ params, query }) => ({ statusCode: 200, body: await listRefunds(deps, params.purchaseId, query) }),
);

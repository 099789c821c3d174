import { httpRoute } from '#shared/http/route.ts';
import { PageQuerySchema } from '#shared/pagination.ts';
import { getRuntime } from '#shared/runtime.ts';
import { creditDeps } from './credit.deps.ts';
import { CustomerPathSchema } from './credit.schemas.ts';
import { listCreditTransactions } from './credit.ts';

const runtime = getRuntime();
const deps = creditDeps(runtime);

export const handler = httpRoute(
  {
    params: CustomerPathSchema,
    query: PageQuerySchema,
    operationId: 'ListCreditTransactions',
    verifier: runtime.tokenVerifier,
  },
  async ({ params, query }) => ({
    statusCode: 200,
    body: await listCreditTransactions(deps, params.customerId, query),
  }),
);

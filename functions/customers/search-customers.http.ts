import { httpRoute } from '#shared/http/route.ts';
import { getRuntime } from '#shared/runtime.ts';
import { customerSearchDeps } from './customer.deps.ts';
import { SearchCustomersQuerySchema } from './customer.schemas.ts';
import { searchCustomers } from './customer-search.ts';

const runtime = getRuntime();
const deps = customerSearchDeps(runtime);

export const handler = httpRoute(
  { query: SearchCustomersQuerySchema, operationId: 'SearchCustomers', verifier: runtime.tokenVerifier },
  async ({ query: { q, ...page } }) => ({ statusCode: 200, body: await searchCustomers(deps, q, page) }),
);

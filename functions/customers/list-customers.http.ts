import { httpRoute } from '#shared/http/route.ts';
import { getRuntime } from '#shared/runtime.ts';
import { customerDeps } from './customer.deps.ts';
import { ListCustomersQuerySchema } from './customer.schemas.ts';
import { listCustomers } from './customers.ts';

const runtime = getRuntime();
const deps = customerDeps(runtime);

export const handler = httpRoute(
  { query: ListCustomersQuerySchema, operationId: 'ListCustomers', verifier: runtime.tokenVerifier },
  async ({ query }) => ({ statusCode: 200, body: await listCustomers(deps, query) }),
);

import { httpRoute } from '#shared/http/route.ts';
import { getRuntime } from '#shared/runtime.ts';
import { customerDeps } from './customer.deps.ts';
import { CustomerPathSchema } from './customer.schemas.ts';
import { getCustomerView } from './customers.ts';

const runtime = getRuntime();
const deps = customerDeps(runtime);

export const handler = httpRoute(
  { params: CustomerPathSchema, operationId: 'GetCustomer', verifier: runtime.tokenVerifier },
  async ({ params }) => ({ statusCode: 200, body: await getCustomerView(deps, params.customerId) }),
);

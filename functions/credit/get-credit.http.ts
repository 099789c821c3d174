import { httpRoute } from '#shared/http/route.ts';
import { getRuntime } from '#shared/runtime.ts';
import { creditDeps } from './credit.deps.ts';
import { CustomerPathSchema } from './credit.schemas.ts';
import { getCredit } from './credit.ts';

const runtime = getRuntime();
const deps = creditDeps(runtime);

export const handler = httpRoute(
  { params: CustomerPathSchema, operationId: 'GetCredit', verifier: runtime.tokenVerifier },
  async ({ params }) => ({ statusCode: 200, body: await getCredit(deps, params.customerId) }),
);

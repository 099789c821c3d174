import { httpRoute } from '#shared/http/route.ts';
import { getRuntime, requireCachedExternalReads } from '#shared/runtime.ts';
import { ProductPathSchema } from './product.schemas.ts';
import { getProductView } from './product.ts';

const runtime = getRuntime();
// The cached reads: this route shows a product, it never prices a purchase.
const deps = { products: requireCachedExternalReads(runtime) };

export const handler = httpRoute(
  { params: ProductPathSchema, operationId: 'GetProduct', verifier: runtime.tokenVerifier },
  async ({ params }) => ({ statusCode: 200, body: await getProductView(deps, params.productId) }),
);

import { httpRoute } from '#shared/http/route.ts';
import { getRuntime } from '#shared/runtime.ts';
import { promoCodeRepository } from './promo-code.deps.ts';
import { ListPromoCodesQuerySchema } from './promo-code.schemas.ts';
import { promoCodeView } from './promo-code.ts';

const runtime = getRuntime();
const promoCodes = promoCodeRepository(runtime);

/** Every code, active or not, in alphabetical order. */
export const handler = httpRoute(
  { query: ListPromoCodesQuerySchema, operationId: 'ListPromoCodes', verifier: runtime.tokenVerifier },
  async ({ query }) => {
    const page = await promoCodes.listPromoCodes(query);
    return { statusCode: 200, body: { items: page.items.map(promoCodeView), nextCursor: page.nextCursor } };
  },
);

import { NotFoundError } from '#shared/errors.ts';
import { httpRoute } from '#shared/http/route.ts';
import { getRuntime } from '#shared/runtime.ts';
import { promoCodeRepository } from './promo-code.deps.ts';
import { PromoCodePathSchema } from './promo-code.schemas.ts';
import { promoCodeView } from './promo-code.ts';

const runtime = getRuntime();
const promoCodes = promoCodeRepository(runtime);

export const handler = httpRoute(
  { params: PromoCodePathSchema, operationId: 'GetPromoCode', verifier: runtime.tokenVerifier },
  async ({ params }) => {
    const promo = await promoCodes.getPromoCode(params.code);
    if (!promo)
      throw new NotFoundError('PROMO_CODE_NOT_FOUND', `There is no promo code ${params.code}.`, {
        code: params.code,
      });
    return { statusCode: 200, body: promoCodeView(promo) };
  },
);

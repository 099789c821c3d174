import { systemClock } from '#shared/clock.ts';
import { httpRoute } from '#shared/http/route.ts';
import { getRuntime } from '#shared/runtime.ts';
import { promoCodeRepository } from './promo-code.deps.ts';
import { PromoCodePathSchema, UpdatePromoCodeRequestSchema } from './promo-code.schemas.ts';
import { promoCodeView } from './promo-code.ts';

const runtime = getRuntime();
const promoCodes = promoCodeRepository(runtime);

/**
 * Deactivates a code, moves its end or changes its limit. A `maxRedemptions` below what is claimed
 * (completed and in flight) is 409 CONFLICT: a limit never takes back what it allowed.
 */
export const handler = httpRoute(
  {
    params: PromoCodePathSchema,
    body: UpdatePromoCodeRequestSchema,
    operationId: 'UpdatePromoCode',
    verifier: runtime.tokenVerifier,
  },
  async ({ params, body, actor }) => ({
    statusCode: 200,
    body: promoCodeView(await promoCodes.update(params.code, body, systemClock.now().toISOString(), actor)),
  }),
);

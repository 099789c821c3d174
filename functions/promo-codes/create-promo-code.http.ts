import { systemClock } from '#shared/clock.ts';
import { httpRoute } from '#shared/http/route.ts';
import { getRuntime } from '#shared/runtime.ts';
import { promoCodeRepository } from './promo-code.deps.ts';
import { CreatePromoCodeRequestSchema } from './promo-code.schemas.ts';
import { promoCodeView } from './promo-code.ts';

const runtime = getRuntime();
const promoCodes = promoCodeRepository(runtime);

/** An existing code is 409 CONFLICT: creating one is idempotent by its own key, the code. */
export const handler = httpRoute(
  { body: CreatePromoCodeRequestSchema, operationId: 'CreatePromoCode', verifier: runtime.tokenVerifier },
  async ({ body, actor }) => ({
    statusCode: 201,
    body: promoCodeView(await promoCodes.create(body, systemClock.now().toISOString(), actor)),
  }),
);

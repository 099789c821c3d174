import { httpRoute } from '#shared/http/route.ts';
import { getRuntime } from '#shared/runtime.ts';
import { PurchasePathSchema } from '../purchases/purchase.schemas.ts';
import { refundDeps } from './refund.deps.ts';
import { RefundRequestSchema } from './refund.schemas.ts';
import { refundPurchase } from './refund.ts';

const runtime = getRuntime();
const deps = refundDeps(runtime);

export const handler = httpRoute(
  {
    params: PurchasePathSchema,
    body: RefundRequestSchema,
    operationId: 'RefundPurchase',
    verifier: runtime.tokenVerifier,
    idempotency: runtime.idempotencyStore,
  },
  async ({ params, body, actor, idempotency }) => ({
    statusCode: 201,
    body: await refundPurchase(deps, {
      purchaseId: params.purchaseId,
      amountCents: body.amountCents,
      quantity: body.quantity,
      reason: body.reason,
      actor,
      operationId: idempotency?.operationId,
    }),
  }),
);

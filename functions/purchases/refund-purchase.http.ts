import { systemClock } from '#shared/clock.ts';
import { httpRoute } from '#shared/http/route.ts';
import { newId } from '#shared/ids.ts';
import { getRuntime } from '#shared/runtime.ts';
import { CREDIT_RETRY } from '../credit/credit.deps.ts';
import { DynamoCreditRepository } from '../credit/credit.repository.ts';
import { jitteredBackoff } from '../credit/credit.ts';
import { PurchasePathSchema, RefundRequestSchema } from './purchase.schemas.ts';
import { DynamoRefundRepository } from './refund.repository.ts';
import { refundPurchase } from './refund.ts';

const runtime = getRuntime();
const { documentClient, config } = runtime;
const deps = {
  refunds: new DynamoRefundRepository(documentClient, config.MAIN_TABLE_NAME),
  accounts: new DynamoCreditRepository(documentClient, config.MAIN_TABLE_NAME),
  clock: systemClock,
  newId,
  retry: jitteredBackoff(CREDIT_RETRY),
};

export const handler = httpRoute(
  {
    params: PurchasePathSchema,
    body: RefundRequestSchema,
    defaultActor: config.DEFAULT_ACTOR,
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

import { withOptimisticRetry } from '#shared/retry.ts';
import type { PurchaseSagaInput } from '../purchase.schemas.ts';
import { type QuoteDeps, quotePurchase } from './quote.ts';
import { shipmentIdempotencyKey } from './reservation.ts';
import type { SagaStepDeps } from './saga-ports.ts';

/**
 * Saga step Reserve: quotes the purchase (customer and product read now) and holds its total. The
 * quote goes straight into the reservation, so no snapshot travels in the saga's state. Idempotent:
 * a retried step finds its reservation and holds nothing more (the first quote stands).
 * @throws NotFoundError, UpstreamError, UpstreamTimeoutError from the quote (nothing held)
 * @throws InsufficientCreditError, DuplicatePurchaseError, PromoCodeInvalidError
 * @throws ConflictError when contention outlasts the retry budget (DynamoDB's transaction conflicts)
 */
export async function reserveCredit(
  deps: Pick<SagaStepDeps, 'reservations' | 'clock' | 'retry'> & Omit<QuoteDeps, 'clock'>,
  input: PurchaseSagaInput,
): Promise<{ reserved: true }> {
  const { quote, promo } = await quotePurchase(deps, input);
  return withOptimisticRetry(
    deps.retry,
    'The balance kept changing under concurrent updates; retry the purchase.',
    async () => {
      const now = deps.clock.now().toISOString();
      await deps.reservations.reserve(
        {
          purchaseId: input.purchaseId,
          customerId: input.customerId,
          productId: input.productId,
          quote,
          totalCents: quote.totalCents,
          status: 'PENDING',
          actor: input.actor,
          operationId: input.operationId,
          shipmentKey: shipmentIdempotencyKey(input),
          createdAt: now,
          updatedAt: now,
        },
        promo && {
          maxPerCustomer: promo.maxRedemptionsPerCustomer,
          limited: promo.maxRedemptions !== undefined,
        },
      );
      return { reserved: true };
    },
  );
}

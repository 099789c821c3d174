import { withOptimisticRetry } from '#shared/retry.ts';
import type { PurchaseSagaInput, Quote } from '../purchase.schemas.ts';
import { shipmentIdempotencyKey } from './reservation.ts';
import type { SagaStepDeps } from './saga-ports.ts';

/**
 * Saga step Reserve. Idempotent: a retried step finds its reservation and holds nothing more.
 * @throws InsufficientCreditError, DuplicatePurchaseError
 * @throws ConflictError when contention outlasts the retry budget (DynamoDB's transaction conflicts)
 */
export function reserveCredit(
  deps: Pick<SagaStepDeps, 'reservations' | 'clock' | 'retry'>,
  input: PurchaseSagaInput & { quote: Quote },
): Promise<{ reserved: true }> {
  return withOptimisticRetry(
    deps.retry,
    'The balance kept changing under concurrent updates; retry the purchase.',
    async () => {
      const now = deps.clock.now().toISOString();
      await deps.reservations.reserve({
        purchaseId: input.purchaseId,
        customerId: input.customerId,
        productId: input.productId,
        quote: input.quote,
        totalCents: input.quote.totalCents,
        status: 'PENDING',
        actor: input.actor,
        operationId: input.operationId,
        shipmentKey: shipmentIdempotencyKey(input),
        createdAt: now,
        updatedAt: now,
      });
      return { reserved: true };
    },
  );
}

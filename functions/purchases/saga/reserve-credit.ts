import { UpstreamError } from '#shared/errors.ts';
import { MAX_SHIPMENT_ID_LENGTH } from '#shared/external/external-api.schemas.ts';
import { withOptimisticRetry } from '#shared/retry.ts';
import type { PurchaseSagaInput } from '../purchase.schemas.ts';
import { purchaseFrom } from './commit-purchase.ts';
import { type QuoteDeps, quotePurchase } from './quote.ts';
import {
  DuplicatePurchaseError,
  PurchaseHeldForReviewError,
  type Reservation,
  type ReservationStatus,
  shipmentIdempotencyKey,
} from './reservation.ts';
import type { SagaStepDeps } from './saga-ports.ts';

/** Still held: a reservation the review committed or released keeps the date it went there. */
const isOpen = (status: ReservationStatus): boolean => status === 'SHIPPING' || status === 'SHIPPED';

/** The purchase is sized with the longest shipment id CreateShipment may answer. */
const LONGEST_SHIPMENT_ID = 'S'.repeat(MAX_SHIPMENT_ID_LENGTH);

/**
 * Saga step Reserve: quotes the purchase (customer and product read now) and holds its total. The
 * quote goes straight into the reservation, so no snapshot travels in the saga's state. Idempotent:
 * a retried step finds its reservation and holds nothing more (the first quote stands).
 * @throws NotFoundError, UpstreamError, UpstreamTimeoutError from the quote (nothing held)
 * @throws UpstreamError when an item the purchase would write cannot be stored (nothing held)
 * @throws InsufficientCreditError, DuplicatePurchaseError, PromoCodeInvalidError
 * @throws PurchaseHeldForReviewError when the Idempotency-Key's purchase awaits review
 * @throws ConflictError when contention outlasts the retry budget (DynamoDB's transaction conflicts)
 */
export async function reserveCredit(
  deps: Pick<SagaStepDeps, 'reservations' | 'clock' | 'retry'> & Omit<QuoteDeps, 'clock'>,
  input: PurchaseSagaInput,
): Promise<{ reserved: true }> {
  const { quote, promo } = await quotePurchase(deps, input);
  const reservationAt = (now: string): Reservation => ({
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
  });
  assertStorable(deps, reservationAt(deps.clock.now().toISOString()));
  return withOptimisticRetry(
    deps.retry,
    'The balance kept changing under concurrent updates; retry the purchase.',
    async () => {
      try {
        await deps.reservations.reserve(
          reservationAt(deps.clock.now().toISOString()),
          promo && {
            maxPerCustomer: promo.maxRedemptionsPerCustomer,
            limited: promo.maxRedemptions !== undefined,
          },
        );
      } catch (error) {
        // The Idempotency-Key's purchase went out and waits for a person: its answer, not a 409.
        if (!(error instanceof DuplicatePurchaseError)) throw error;
        const earlier = await deps.reservations.getReservation(error.purchaseId);
        const inReview = earlier?.awaitingReviewSince !== undefined && isOpen(earlier.status);
        if (earlier && inReview) throw new PurchaseHeldForReviewError(earlier);
        throw error;
      }
      return { reserved: true };
    },
  );
}

/**
 * Every item the saga (and the purchase's answer) will write must fit DynamoDB, or the purchase
 * would fail after its shipment went out. Checked before anything is held; what cannot be kept is
 * the other team's data, refused as their error.
 * @throws UpstreamError naming the larger snapshot's read and the items that would not fit
 */
function assertStorable(deps: Pick<SagaStepDeps, 'reservations'>, reservation: Reservation): void {
  const purchase = purchaseFrom(reservation, { shipmentId: LONGEST_SHIPMENT_ID, at: reservation.createdAt });
  const unstorable = deps.reservations.unstorable(reservation, purchase);
  if (unstorable.length === 0) return;
  const { product, customer } = reservation.quote;
  const [operation, snapshot] =
    JSON.stringify(customer).length > JSON.stringify(product).length
      ? ['GetCustomer', 'customer']
      : ['GetProduct', 'product'];
  throw new UpstreamError(
    operation,
    `answered a ${snapshot} too large to keep with the purchase: the ${unstorable.join(', ')} would pass DynamoDB's 400 KB item limit`,
  );
}

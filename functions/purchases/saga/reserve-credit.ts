import { InsufficientCreditError, UpstreamError } from '#shared/errors.ts';
import { MAX_SHIPMENT_ID_LENGTH } from '#shared/external/external-api.schemas.ts';
import { withOptimisticRetry } from '#shared/retry.ts';
import * as ledger from '../../ledger/account.ts';
import { emptyAccount } from '../../ledger/account.ts';
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
 * Saga step Reserve: quotes the purchase (customer and product read now) and holds its total from
 * the customer's lots, soonest-expiring first (the ledger decides; the reservation keeps the draws).
 * The quote goes straight into the reservation, so no snapshot travels in the saga's state.
 * Idempotent: a retried step finds its reservation and holds nothing more (the first quote stands).
 * @throws NotFoundError, UpstreamError, UpstreamTimeoutError from the quote (nothing held)
 * @throws UpstreamError when an item the purchase would write cannot be stored (nothing held)
 * @throws InsufficientCreditError, DuplicatePurchaseError, PromoCodeInvalidError
 * @throws PurchaseHeldForReviewError when the Idempotency-Key's purchase awaits review
 * @throws ConflictError when contention on the account outlasts the retry budget
 */
export async function reserveCredit(
  deps: Pick<SagaStepDeps, 'reservations' | 'accounts' | 'clock' | 'retry'> & Omit<QuoteDeps, 'clock'>,
  input: PurchaseSagaInput,
): Promise<{ reserved: true }> {
  const { quote, promo } = await quotePurchase(deps, input);
  return withOptimisticRetry(
    deps.retry,
    'The balance kept changing under concurrent updates; retry the purchase.',
    async () => {
      const now = deps.clock.now().toISOString();
      const before = (await deps.accounts.getAccount(input.customerId)) ?? emptyAccount(input.customerId);
      let hold: ReturnType<typeof ledger.hold>;
      try {
        hold = ledger.hold(before, quote.totalCents, { now });
      } catch (error) {
        // A retried step (or key) whose hold already took the credit is not refused for it.
        if (error instanceof InsufficientCreditError && (await claimedBefore(deps, input))) {
          return { reserved: true };
        }
        throw error;
      }
      const reservation: Reservation = {
        purchaseId: input.purchaseId,
        customerId: input.customerId,
        productId: input.productId,
        quote,
        totalCents: quote.totalCents,
        lotDraws: hold.draws,
        status: 'PENDING',
        actor: input.actor,
        operationId: input.operationId,
        shipmentKey: shipmentIdempotencyKey(input),
        createdAt: now,
        updatedAt: now,
      };
      assertStorable(deps, reservation);
      try {
        await deps.reservations.reserve(
          reservation,
          hold.write,
          promo && {
            maxPerCustomer: promo.maxRedemptionsPerCustomer,
            limited: promo.maxRedemptions !== undefined,
          },
        );
      } catch (error) {
        if (error instanceof DuplicatePurchaseError) await answerForEarlier(deps, error);
        throw error;
      }
      return { reserved: true };
    },
  );
}

/**
 * Whether this purchase already holds its credit (a retried step): true. When the Idempotency-Key
 * made another purchase, that purchase's answer.
 * @throws DuplicatePurchaseError, PurchaseHeldForReviewError (see `answerForEarlier`)
 */
async function claimedBefore(
  deps: Pick<SagaStepDeps, 'reservations'>,
  input: PurchaseSagaInput,
): Promise<boolean> {
  if (await deps.reservations.getReservation(input.purchaseId)) return true;
  if (input.operationId === undefined) return false;
  const earlier = await deps.reservations.purchaseOfOperation(input.customerId, input.operationId);
  if (earlier === undefined) return false;
  const duplicate = new DuplicatePurchaseError(earlier);
  await answerForEarlier(deps, duplicate);
  throw duplicate;
}

/** The Idempotency-Key's purchase went out and waits for a person: its answer, not a 409. */
async function answerForEarlier(
  deps: Pick<SagaStepDeps, 'reservations'>,
  duplicate: DuplicatePurchaseError,
): Promise<void> {
  const earlier = await deps.reservations.getReservation(duplicate.purchaseId);
  const inReview = earlier?.awaitingReviewSince !== undefined && isOpen(earlier.status);
  if (earlier && inReview) throw new PurchaseHeldForReviewError(earlier);
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

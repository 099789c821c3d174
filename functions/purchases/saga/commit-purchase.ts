import { ConflictError, ServiceUnavailableError } from '#shared/errors.ts';
import { StaleReadError, withOptimisticRetry } from '#shared/retry.ts';
import * as ledger from '../../ledger/account.ts';
import type { Purchase } from '../purchase.schemas.ts';
import {
  PurchaseHeldForReviewError,
  type Reservation,
  ReservationChangedError,
  ReservationClosedError,
} from './reservation.ts';
import type { SagaStepDeps } from './saga-ports.ts';

/**
 * Saga step Commit (also the sweeper's roll-forward): the hold becomes a spend, the purchase and
 * its PURCHASE ledger entry are written, all at once. Idempotent: a committed reservation returns
 * its purchase.
 *
 * @throws ReservationClosedError when the reservation never shipped or was released
 * @throws ConflictError when contention on the account outlasts the retry budget
 */
export function commitPurchase(
  deps: Pick<SagaStepDeps, 'reservations' | 'accounts' | 'clock' | 'newId' | 'retry'>,
  { purchaseId, customerId }: { purchaseId: string; customerId: string },
): Promise<Purchase> {
  return withOptimisticRetry(
    deps.retry,
    'The balance kept changing under concurrent updates; the commit will be retried.',
    async () => {
      // The customer is known from the start, so the account is read beside the reservation.
      const [reservation, before] = await Promise.all([
        deps.reservations.getReservation(purchaseId),
        deps.accounts.getAccount(customerId),
      ]);
      if (reservation?.status === 'COMMITTED') {
        const purchase = await deps.reservations.getPurchase(purchaseId);
        if (purchase) return purchase;
      }
      if (reservation?.status !== 'SHIPPED' || reservation.shipmentId === undefined) {
        throw new ReservationClosedError(
          `purchase ${purchaseId} cannot be committed from ${reservation?.status ?? 'no reservation'}`,
        );
      }
      if (reservation.customerId !== customerId) {
        throw new Error(`purchase ${purchaseId} is of customer ${reservation.customerId}, not ${customerId}`);
      }
      if (!before) {
        // The reservation holds credit; an account that is not there is a broken invariant, not a race.
        throw new Error(`account of ${reservation.customerId} does not hold purchase ${purchaseId}`);
      }

      const now = deps.clock.now().toISOString();
      const { quote } = reservation;
      // The held draws are spent as they are, even from a lot that expired since: the purchase began first.
      const { write: spend } = ledger.spendHold(
        before,
        reservation.lotDraws,
        {
          reason: `Purchase of ${quote.quantity} × ${quote.product.name}`,
          actor: reservation.actor,
          purchaseId,
        },
        { now, newId: deps.newId },
      );
      const purchase = purchaseFrom(reservation, { shipmentId: reservation.shipmentId, at: now });
      await deps.reservations.commit({ spend, reservation, purchase });
      return purchase;
    },
  );
}

/** Contention and an overloaded DynamoDB pass: a later attempt (the saga's retry, the sweeper) can succeed. */
const mayPass = (error: unknown): boolean =>
  error instanceof ConflictError ||
  error instanceof ServiceUnavailableError ||
  error instanceof StaleReadError;

/**
 * Commit, for a reservation whose goods are out: the saga's Commit step and the sweeper's roll
 * forward. A failure that no retry can get past (an item DynamoDB refuses, a broken invariant) must
 * not leave the hold to be retried forever: the reservation goes to the review list, held, with the
 * error, where the alarm and a person see it.
 *
 * @throws PurchaseHeldForReviewError when the commit failed for good and the purchase awaits review
 * @throws ConflictError, ServiceUnavailableError when a later attempt may succeed (still SHIPPED)
 */
export async function commitOrHoldForReview(
  deps: Pick<SagaStepDeps, 'reservations' | 'accounts' | 'clock' | 'newId' | 'retry' | 'logger'>,
  input: { purchaseId: string; customerId: string },
  actor: string,
): Promise<Purchase> {
  try {
    return await commitPurchase(deps, input);
  } catch (error) {
    if (mayPass(error)) throw error;
    const { purchaseId } = input;
    let held: Reservation;
    try {
      held = await deps.reservations.markAwaitingReview(purchaseId, {
        from: 'SHIPPED',
        reason: 'COMMIT_FAILED',
        note: `${(error as Error).name}: ${(error as Error).message}`,
        at: deps.clock.now().toISOString(),
        actor,
      });
    } catch (markError) {
      if (!(markError instanceof ReservationChangedError)) throw error;
      // Not SHIPPED: committed or held for review by another attempt meanwhile, or never shipped.
      const now = await deps.reservations.getReservation(purchaseId);
      if (now?.status === 'COMMITTED') return commitPurchase(deps, input);
      if (now?.awaitingReviewSince !== undefined) throw new PurchaseHeldForReviewError(now, { cause: error });
      throw error;
    }
    deps.logger.error('purchase held for review: its shipment is out and its commit cannot be written', {
      purchaseId,
      customerId: held.customerId,
      shipmentId: held.shipmentId,
      totalCents: held.totalCents,
      error: error as Error,
    });
    throw new PurchaseHeldForReviewError(held, { cause: error });
  }
}

/** The purchase a reservation becomes once its shipment is out, as Commit writes it. */
export function purchaseFrom(
  reservation: Reservation,
  shipped: { shipmentId: string; at: string },
): Purchase {
  const { quote } = reservation;
  return {
    id: reservation.purchaseId,
    customerId: reservation.customerId,
    productId: reservation.productId,
    sku: quote.product.sku,
    quantity: quote.quantity,
    unitPriceCents: quote.unitPriceCents,
    subtotalCents: quote.subtotalCents,
    discountCents: quote.discountCents,
    totalCents: quote.totalCents,
    refundedCents: 0,
    refundableCents: quote.totalCents,
    status: 'COMPLETED',
    shipmentId: shipped.shipmentId,
    ...(quote.promoCode === undefined ? {} : { promoCode: quote.promoCode }),
    product: quote.product,
    customer: quote.customer,
    createdAt: shipped.at,
    updatedAt: shipped.at,
  };
}

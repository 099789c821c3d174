import { AppError } from '#shared/errors.ts';
import { StaleReadError } from '#shared/retry.ts';
import { SagaSignal } from '#shared/saga/saga-signal.ts';
import type { LotDraw } from '../../ledger/lots.ts';
import type { Quote } from '../purchase.schemas.ts';

/**
 * The credit a purchase holds while its saga runs, and how far the saga got:
 *
 *   PENDING ──▶ SHIPPING ──▶ SHIPPED ──▶ COMMITTED
 *      │           │
 *      └───────────┴──▶ RELEASED
 *
 * SHIPPING is written before CreateShipment is called and SHIPPED (with the shipment id) right
 * after it answers. A reservation that reached SHIPPED is never released: its goods are on the way.
 * Two kinds stay held and await a person's review, out of the sweeper's way: a SHIPPING reservation
 * whose saga died (did the goods go out?), and a SHIPPED one that Commit can never write (the
 * goods went out; the purchase could not be recorded).
 */
export type ReservationStatus = 'PENDING' | 'SHIPPING' | 'SHIPPED' | 'COMMITTED' | 'RELEASED';

/** Why a reservation waits for a person (see above). */
export type ReviewReason = 'SHIPMENT_UNKNOWN' | 'COMMIT_FAILED';

/** How much of the error that sent a reservation to review it keeps for the person. */
export const MAX_REVIEW_NOTE_LENGTH = 1_000;

export interface Reservation {
  purchaseId: string;
  customerId: string;
  productId: string;
  quote: Quote;
  totalCents: number;
  /** The lots the hold drew from, in the order drawn: Release gives them back, Commit spends them. */
  lotDraws: LotDraw[];
  status: ReservationStatus;
  actor: string;
  operationId?: string | undefined;
  /** The Idempotency-Key CreateShipment gets (see `shipmentIdempotencyKey`). */
  shipmentKey: string;
  shipmentId?: string | undefined;
  /** Set when it was taken out of the saga's and the sweeper's hands, for a person to finish. */
  awaitingReviewSince?: string | undefined;
  reviewReason?: ReviewReason | undefined;
  /** What failed, for the person who reviews it. */
  reviewNote?: string | undefined;
  /** With a promo code: the code's counter shard its redemption was claimed from (Reserve sets it). */
  promoShard?: number | undefined;
  createdAt: string;
  updatedAt: string;
}

/**
 * The idempotency key CreateShipment gets. With the caller's Idempotency-Key it is derived from the
 * operation (caller, key and request), so a purchase retried after a 502 or 504 asks for the same
 * shipment; without one, from the purchase, so a retried step is the same call.
 */
export const shipmentIdempotencyKey = (purchase: {
  purchaseId: string;
  operationId?: string | undefined;
}): string =>
  purchase.operationId === undefined
    ? `purchase-${purchase.purchaseId}`
    : `purchase-op-${purchase.operationId}`;

/** The request's Idempotency-Key already made a purchase (it may still be running). */
export class DuplicatePurchaseError extends AppError {
  override readonly name = 'DuplicatePurchaseError';
  constructor(readonly purchaseId: string) {
    super('REQUEST_IN_PROGRESS', 'A purchase with this Idempotency-Key is still running; retry later.', {
      purchaseId,
    });
  }
}

/**
 * The purchase's shipment went out (or may have), and what remains waits for a person: the credit
 * stays held until the review commits or releases it. Its answer is a 502: the purchase did not
 * complete, and a retry with the same Idempotency-Key gets this answer again until it is resolved.
 */
export class PurchaseHeldForReviewError extends AppError {
  override readonly name = 'PurchaseHeldForReviewError';
  constructor(
    reservation: Pick<Reservation, 'purchaseId' | 'shipmentId' | 'reviewReason'>,
    options?: ErrorOptions,
  ) {
    super(
      'UPSTREAM_ERROR',
      reservation.reviewReason === 'SHIPMENT_UNKNOWN'
        ? 'The purchase stopped while its shipment was being created; support reviews it, and its credit stays held until then.'
        : 'The shipment was created but the purchase could not be recorded; support reviews it, and its credit stays held until then.',
      {
        purchaseId: reservation.purchaseId,
        ...(reservation.shipmentId === undefined ? {} : { shipmentId: reservation.shipmentId }),
        review: reservation.reviewReason ?? 'SHIPMENT_UNKNOWN',
      },
      options,
    );
  }
}

/** The reservation was released or committed before this step ran; the step must not go on. */
export class ReservationClosedError extends Error {
  override readonly name = 'ReservationClosedError';
}

/**
 * A compensation found the reservation SHIPPED (or already COMMITTED): the shipment went out after
 * all, so the saga must roll forward to Commit, never release.
 */
export class ReservationShippedError extends SagaSignal {
  override readonly name = 'ReservationShippedError';
}

/** The reservation is not in the state a write expected: read it again and decide again. */
export class ReservationChangedError extends StaleReadError {
  override readonly name = 'ReservationChangedError';
}

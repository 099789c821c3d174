import { AppError } from '#shared/errors.ts';
import { StaleReadError } from '#shared/retry.ts';
import { SagaSignal } from '#shared/saga/saga-signal.ts';
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
 * A SHIPPING reservation whose saga died stays SHIPPING, held, and awaits a person's review.
 */
export type ReservationStatus = 'PENDING' | 'SHIPPING' | 'SHIPPED' | 'COMMITTED' | 'RELEASED';

export interface Reservation {
  purchaseId: string;
  customerId: string;
  productId: string;
  quote: Quote;
  totalCents: number;
  status: ReservationStatus;
  actor: string;
  operationId?: string | undefined;
  /** The Idempotency-Key CreateShipment gets (see `shipmentIdempotencyKey`). */
  shipmentKey: string;
  shipmentId?: string | undefined;
  /** Set when the sweeper gave up on it: its saga died while CreateShipment was in flight. */
  awaitingReviewSince?: string | undefined;
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

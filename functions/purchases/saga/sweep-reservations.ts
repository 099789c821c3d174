import { commitOrHoldForReview } from './commit-purchase.ts';
import { releaseCredit } from './release-credit.ts';
import { PurchaseHeldForReviewError } from './reservation.ts';
import type { SagaStepDeps } from './saga-ports.ts';

/** Who the audit names for the changes the sweeper makes. */
export const SWEEPER_ACTOR = 'reservation-sweeper';

export interface SweepResult {
  released: string[];
  committed: string[];
  /** Died while CreateShipment was in flight: whether goods went out is unknown (see DESIGN.md). */
  needsReview: string[];
  /** False when the run stopped at its deadline with reservations left; the next run goes on. */
  complete: boolean;
}

/**
 * Finishes reservations whose saga died (process killed, execution timed out): older than
 * `maxAgeMs`, which must exceed the state machine's timeout so that no live saga is touched.
 * PENDING never reached CreateShipment: released. SHIPPED has its shipment: rolled forward to a
 * purchase, or to the review list when its commit can never be written. SHIPPING died during the
 * call: moved to the review list (still held), never guessed,
 * so it never stands in the way of the holds behind it. Pages through every open reservation past
 * the cutoff, until `deadline`.
 */
export async function sweepReservations(
  deps: Omit<SagaStepDeps, 'shipments'>,
  options: { maxAgeMs: number; pageSize: number; deadline: Date },
): Promise<SweepResult> {
  const cutoff = new Date(deps.clock.now().getTime() - options.maxAgeMs).toISOString();
  const result: SweepResult = { released: [], committed: [], needsReview: [], complete: false };
  let cursor: string | undefined;
  do {
    const page = await deps.reservations.listOpenReservations(cutoff, { limit: options.pageSize, cursor });
    for (const reservation of page.items) {
      const { purchaseId } = reservation;
      try {
        switch (reservation.status) {
          case 'PENDING':
            await releaseCredit(deps, purchaseId, { releasable: ['PENDING'], actor: SWEEPER_ACTOR });
            result.released.push(purchaseId);
            break;
          case 'SHIPPED':
            await commitOrHoldForReview(
              deps,
              { purchaseId, customerId: reservation.customerId },
              SWEEPER_ACTOR,
            );
            result.committed.push(purchaseId);
            break;
          case 'SHIPPING':
            await deps.reservations.markAwaitingReview(purchaseId, {
              from: 'SHIPPING',
              reason: 'SHIPMENT_UNKNOWN',
              at: deps.clock.now().toISOString(),
              actor: SWEEPER_ACTOR,
            });
            result.needsReview.push(purchaseId);
            deps.logger.error('reservation needs review: its saga died during CreateShipment', {
              purchaseId,
              customerId: reservation.customerId,
              totalCents: reservation.totalCents,
              shipmentIdempotencyKey: reservation.shipmentKey,
            });
            break;
          default:
            break;
        }
      } catch (error) {
        if (error instanceof PurchaseHeldForReviewError) {
          result.needsReview.push(purchaseId);
          continue;
        }
        // One reservation that cannot be finished must not stop the others; the next run retries it.
        deps.logger.warn('reservation not swept', { purchaseId, error: error as Error });
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && deps.clock.now() < options.deadline);
  result.complete = cursor === undefined;
  return result;
}

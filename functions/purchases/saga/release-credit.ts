import { withOptimisticRetry } from '#shared/retry.ts';
import * as ledger from '../../ledger/account.ts';
import { ReservationClosedError, ReservationShippedError, type ReservationStatus } from './reservation.ts';
import type { SagaStepDeps } from './saga-ports.ts';

/**
 * Compensation of Reserve: gives the hold back to the lots it came from. Releasing twice, or releasing a purchase that never
 * reserved, changes nothing. The saga releases PENDING and SHIPPING (it knows the call failed); the
 * sweeper only PENDING (it cannot know).
 * @throws ReservationShippedError when its shipment went out (SHIPPED or COMMITTED): roll forward
 * @throws ReservationClosedError when the reservation is in another status it may not release from
 */
export function releaseCredit(
  deps: Pick<SagaStepDeps, 'reservations' | 'accounts' | 'clock' | 'newId' | 'retry'>,
  purchaseId: string,
  options: { releasable?: readonly ReservationStatus[]; actor?: string } = {},
): Promise<{ released: boolean }> {
  const releasable = options.releasable ?? ['PENDING', 'SHIPPING'];
  return withOptimisticRetry(
    deps.retry,
    `the reservation of purchase ${purchaseId} kept changing`,
    async () => {
      const reservation = await deps.reservations.getReservation(purchaseId);
      if (!reservation || reservation.status === 'RELEASED') return { released: false };
      if (reservation.status === 'SHIPPED' || reservation.status === 'COMMITTED') {
        throw new ReservationShippedError(`purchase ${purchaseId} shipped; it is committed, never released`);
      }
      if (!releasable.includes(reservation.status)) {
        throw new ReservationClosedError(
          `purchase ${purchaseId} is ${reservation.status}; it cannot be released`,
        );
      }
      const before = await deps.accounts.getAccount(reservation.customerId);
      if (!before) throw new Error(`purchase ${purchaseId} holds credit of an account that is not there`);
      const now = deps.clock.now().toISOString();
      // Each draw goes back to its lot; a part whose lot expired meanwhile expires now.
      const release = ledger.release(
        before,
        reservation.lotDraws,
        { purchaseId },
        { now, newId: deps.newId },
      );
      await deps.reservations.release(reservation, release, now, options.actor ?? reservation.actor);
      return { released: true };
    },
  );
}

import { withOptimisticRetry } from '#shared/retry.ts';
import { ReservationClosedError, ReservationShippedError, type ReservationStatus } from './reservation.ts';
import type { SagaStepDeps } from './saga-ports.ts';

/**
 * Compensation of Reserve: gives the hold back. Releasing twice, or releasing a purchase that never
 * reserved, changes nothing. The saga releases PENDING and SHIPPING (it knows the call failed); the
 * sweeper only PENDING (it cannot know).
 * @throws ReservationShippedError when its shipment went out (SHIPPED or COMMITTED): roll forward
 * @throws ReservationClosedError when the reservation is in another status it may not release from
 */
export function releaseCredit(
  deps: Pick<SagaStepDeps, 'reservations' | 'clock' | 'retry'>,
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
      await deps.reservations.release(
        reservation,
        deps.clock.now().toISOString(),
        options.actor ?? reservation.actor,
      );
      return { released: true };
    },
  );
}

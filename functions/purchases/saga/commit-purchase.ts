import { withOptimisticRetry } from '#shared/retry.ts';
import { applyChange } from '../../ledger/account.ts';
import type { Purchase } from '../purchase.schemas.ts';
import { ReservationClosedError } from './reservation.ts';
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
      if (!before || before.heldCents < reservation.totalCents) {
        // The reservation holds this much; an account that does not is a broken invariant, not a race.
        throw new Error(`account of ${reservation.customerId} does not hold purchase ${purchaseId}`);
      }

      const now = deps.clock.now().toISOString();
      const { quote } = reservation;
      const change = applyChange(
        before,
        {
          customerId: reservation.customerId,
          type: 'PURCHASE',
          availableDeltaCents: 0,
          heldDeltaCents: -reservation.totalCents,
          reason: `Purchase of ${quote.quantity} × ${quote.product.name}`,
          actor: reservation.actor,
          purchaseId,
        },
        { id: deps.newId(), now },
      );
      const purchase: Purchase = {
        id: purchaseId,
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
        shipmentId: reservation.shipmentId,
        ...(quote.promoCode === undefined ? {} : { promoCode: quote.promoCode }),
        product: quote.product,
        customer: quote.customer,
        createdAt: now,
        updatedAt: now,
      };
      await deps.reservations.commit({ ...change, reservation, purchase });
      return purchase;
    },
  );
}

import { ReservationChangedError, ReservationClosedError } from './reservation.ts';
import type { SagaStepDeps } from './saga-ports.ts';

/**
 * Saga step CreateShipment: records that the call is about to happen, calls, and records the
 * shipment. A retried step after SHIPPED returns the recorded shipment without calling again.
 *
 * @throws ReservationClosedError when the reservation was released meanwhile (nothing is shipped)
 * @throws UpstreamError, UpstreamUnavailableError, UpstreamTimeoutError from CreateShipment
 */
export async function shipPurchase(
  deps: Pick<SagaStepDeps, 'reservations' | 'shipments' | 'clock'>,
  purchaseId: string,
): Promise<{ shipmentId: string }> {
  const reservation = await deps.reservations.getReservation(purchaseId);
  if (!reservation) throw new ReservationClosedError(`purchase ${purchaseId} holds no credit`);
  if (reservation.shipmentId !== undefined) return { shipmentId: reservation.shipmentId };
  try {
    await deps.reservations.markShipping(purchaseId, deps.clock.now().toISOString());
  } catch (error) {
    if (error instanceof ReservationChangedError) {
      throw new ReservationClosedError(`purchase ${purchaseId} no longer holds its credit`, { cause: error });
    }
    throw error;
  }
  const { quote } = reservation;
  const shipment = await deps.shipments.createShipment(
    {
      shippingAddress: quote.customer.shippingAddress,
      products: [{ sku: quote.product.sku, quantity: quote.quantity }],
    },
    reservation.shipmentKey,
  );
  await deps.reservations.markShipped(purchaseId, shipment.id, deps.clock.now().toISOString());
  return { shipmentId: shipment.id };
}

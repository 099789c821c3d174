import { type Reservation, ReservationChangedError, ReservationClosedError } from './reservation.ts';
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
  let reservation: Reservation;
  try {
    // The mark answers with the reservation: no read before it on the usual path.
    reservation = await deps.reservations.markShipping(purchaseId, deps.clock.now().toISOString());
  } catch (error) {
    if (!(error instanceof ReservationChangedError)) throw error;
    // Not PENDING or SHIPPING: shipped by an earlier attempt of this step, or closed (or never held).
    const shipped = await deps.reservations.getReservation(purchaseId);
    if (shipped?.shipmentId !== undefined) return { shipmentId: shipped.shipmentId };
    throw new ReservationClosedError(`purchase ${purchaseId} no longer holds its credit`, { cause: error });
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

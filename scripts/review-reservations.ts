import { DynamoReservationRepository } from '../functions/purchases/saga/reservation.repository.ts';
import { createDocumentClient } from '../functions/shared/db/document-client.ts';
import { tablesToRead } from './tables-to-read.ts';

/**
 * `npm run reservations:review`: the holds that wait for a person, oldest first: a saga that died
 * during the CreateShipment call (SHIPMENT_UNKNOWN: ask the shipping team by the shipment key), or a
 * shipment that went out whose purchase could not be written (COMMIT_FAILED: the shipment id and the
 * error). Each is then released or committed with the saga's own steps once the answer is known.
 */
const where = tablesToRead('review');
const client = createDocumentClient({ endpoint: where.endpoint });
const reservations = new DynamoReservationRepository(client, where.main);
let cursor: string | undefined;
let count = 0;
do {
  const page = await reservations.listAwaitingReview({ limit: 100, cursor });
  for (const reservation of page.items) {
    count += 1;
    console.log(
      [
        reservation.purchaseId,
        `customer ${reservation.customerId}`,
        `${reservation.totalCents} cents held`,
        reservation.reviewReason ?? 'SHIPMENT_UNKNOWN',
        reservation.shipmentId === undefined
          ? `shipment key ${reservation.shipmentKey}`
          : `shipment ${reservation.shipmentId}`,
        `since ${reservation.awaitingReviewSince ?? reservation.updatedAt}`,
        ...(reservation.reviewNote === undefined ? [] : [reservation.reviewNote]),
      ].join('  '),
    );
  }
  cursor = page.nextCursor ?? undefined;
} while (cursor !== undefined);
console.log(count === 0 ? 'no reservation awaits review' : `${count} reservations await review`);
client.destroy();

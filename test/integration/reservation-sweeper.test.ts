import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoCreditRepository } from '../../functions/credit/credit.repository.ts';
import { DynamoPromoCodeRepository } from '../../functions/promo-codes/promo-code.repository.ts';
import { PromoCodeInvalidError } from '../../functions/promo-codes/promo-code.ts';
import { DynamoReservationRepository } from '../../functions/purchases/saga/reservation.repository.ts';
import type { Reservation } from '../../functions/purchases/saga/reservation.ts';
import type { SagaStepDeps } from '../../functions/purchases/saga/saga-ports.ts';
import { sweepReservations } from '../../functions/purchases/saga/sweep-reservations.ts';
import { promoCustomerKey } from '../../functions/shared/db/keys.ts';
import { CUSTOMER_SNAPSHOT, productSnapshot } from '../support/fixtures.ts';
import { grantDirectly, reserveDirectly } from '../support/ledger-writes.ts';
import { freshMainTable } from '../support/tables.ts';

const QUOTE = {
  product: productSnapshot(100),
  customer: CUSTOMER_SNAPSHOT,
  quantity: 1,
  unitPriceCents: 100,
  subtotalCents: 100,
  discountCents: 0,
  totalCents: 100,
};

let reservations: DynamoReservationRepository;
let credit: DynamoCreditRepository;
let promoCodes: DynamoPromoCodeRepository;
let table: { client: DynamoDBDocumentClient; tableName: string };

beforeAll(async () => {
  table = await freshMainTable();
  reservations = new DynamoReservationRepository(table.client, table.tableName);
  credit = new DynamoCreditRepository(table.client, table.tableName);
  promoCodes = new DynamoPromoCodeRepository(table.client, table.tableName);
});

async function customerWithCredit(customerId: string, cents: number): Promise<void> {
  await grantDirectly(credit, customerId, cents);
}

function reservation(customerId: string, index: number, createdAt: Date): Reservation {
  const purchaseId = `${customerId}-${String(index).padStart(4, '0')}`;
  return {
    purchaseId,
    customerId,
    productId: 'p1',
    quote: QUOTE,
    totalCents: 100,
    lotDraws: [], // Reserve's draws: reserveDirectly sets them
    status: 'PENDING',
    actor: 'test',
    shipmentKey: `purchase-${purchaseId}`,
    createdAt: createdAt.toISOString(),
    updatedAt: createdAt.toISOString(),
  };
}

const deps = (now: Date): SagaStepDeps => ({
  reservations,
  accounts: credit,
  shipments: {
    createShipment: () => Promise.reject(new Error('the sweeper never ships')),
  },
  clock: { now: () => now },
  newId: () => `id-${Math.random()}`,
  retry: { maxAttempts: 3, wait: () => Promise.resolve() },
  logger: { warn: () => undefined, error: () => undefined },
});

describe('reservation sweeper', () => {
  it('releases a stale PENDING hold behind 150 SHIPPING holds awaiting review, and lists those for review', async () => {
    const customerId = `sweep-${Date.now()}`;
    await grantDirectly(credit, customerId, 100_000);
    const longAgo = Date.now() - 3_600_000;
    for (let index = 0; index < 150; index++) {
      const stuck = reservation(customerId, index, new Date(longAgo + index));
      await reserveDirectly(reservations, credit, stuck);
      await reservations.markShipping(stuck.purchaseId, stuck.createdAt);
    }
    const pending = reservation(customerId, 150, new Date(longAgo + 1_000));
    await reserveDirectly(reservations, credit, pending);

    const now = new Date();
    const result = await sweepReservations(deps(now), {
      maxAgeMs: 120_000,
      pageSize: 100,
      deadline: new Date(now.getTime() + 60_000),
    });

    expect(result.released).toEqual([pending.purchaseId]);
    expect(result.needsReview).toHaveLength(150);
    expect(result.complete).toBe(true);
    expect(await credit.getAccount(customerId)).toMatchObject({ availableCents: 85_000, heldCents: 15_000 });
    const awaiting = [
      ...(await reservations.listAwaitingReview({ limit: 100 })).items,
      ...(
        await reservations.listAwaitingReview({
          limit: 100,
          cursor: (await reservations.listAwaitingReview({ limit: 100 })).nextCursor ?? undefined,
        })
      ).items,
    ];
    expect(awaiting.map((item) => item.purchaseId).sort()).toEqual(
      Array.from({ length: 150 }, (_, index) => reservation(customerId, index, now).purchaseId),
    );
    expect(
      awaiting.every((item) => item.status === 'SHIPPING' && item.awaitingReviewSince !== undefined),
    ).toBe(true);

    // Once out of the sweep's way, they are not read again.
    const again = await sweepReservations(deps(now), {
      maxAgeMs: 120_000,
      pageSize: 100,
      deadline: new Date(now.getTime() + 60_000),
    });
    expect(again).toEqual({ released: [], committed: [], needsReview: [], complete: true });
  });

  it('gives back the promo code redemption of a stale hold it releases, so that the code can be used again', async () => {
    const customerId = `sweep-promo-${Date.now()}`;
    await customerWithCredit(customerId, 10_000);
    const code = `SWEEP-${Date.now()}`;
    await promoCodes.create(
      { code, kind: 'PERCENT', percentOff: 10, maxRedemptions: 1, maxRedemptionsPerCustomer: 1 },
      new Date().toISOString(),
      'test',
    );
    const withCode = (index: number, createdAt: Date): Reservation => {
      const held = reservation(customerId, index, createdAt);
      return {
        ...held,
        quote: { ...QUOTE, discountCents: 10, totalCents: 90, promoCode: code },
        totalCents: 90,
      };
    };
    const stale = withCode(0, new Date(Date.now() - 3_600_000));
    await reserveDirectly(reservations, credit, stale, { maxPerCustomer: 1 });
    const whileHeld = await reserveDirectly(reservations, credit, withCode(1, new Date()), {
      maxPerCustomer: 1,
    }).catch((error: unknown) => error);

    const now = new Date();
    const result = await sweepReservations(deps(now), {
      maxAgeMs: 120_000,
      pageSize: 100,
      deadline: new Date(now.getTime() + 60_000),
    });

    expect(whileHeld).toBeInstanceOf(PromoCodeInvalidError);
    expect(result.released).toContain(stale.purchaseId);
    expect(await promoCodes.getPromoCode(code)).toMatchObject({ claimedRedemptions: 0, redemptions: 0 });
    const { Item: perCustomer } = await table.client.send(
      new GetCommand({
        TableName: table.tableName,
        Key: promoCustomerKey(code, customerId),
        ConsistentRead: true,
      }),
    );
    expect(perCustomer?.claimed).toBe(0);
    expect(await credit.getAccount(customerId)).toMatchObject({ availableCents: 10_000, heldCents: 0 });
    await expect(
      reserveDirectly(reservations, credit, withCode(2, now), { maxPerCustomer: 1 }),
    ).resolves.toBe('reserved');
  });
});

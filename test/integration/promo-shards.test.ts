import { beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoCreditRepository } from '../../functions/credit/credit.repository.ts';
import { DynamoPromoCodeRepository } from '../../functions/promo-codes/promo-code.repository.ts';
import {
  PromoCodeInvalidError,
  PromoLimitBelowClaimedError,
} from '../../functions/promo-codes/promo-code.ts';
import { DynamoReservationRepository } from '../../functions/purchases/saga/reservation.repository.ts';
import type { Reservation } from '../../functions/purchases/saga/reservation.ts';
import { createDocumentClient } from '../../functions/shared/db/document-client.ts';
import { PROMO_CODE_SHARDS } from '../../functions/shared/db/keys.ts';
import { CUSTOMER_SNAPSHOT, productSnapshot } from '../support/fixtures.ts';
import { grantDirectly, releaseDirectly, reserveDirectly } from '../support/ledger-writes.ts';
import { stackUrls } from '../support/stack.ts';
import { freshMainTable } from '../support/tables.ts';

let reservations: DynamoReservationRepository;
let credit: DynamoCreditRepository;
let promoCodes: DynamoPromoCodeRepository;
let run = 0;

beforeAll(async () => {
  const { tableName } = await freshMainTable();
  // As the local stack does: DynamoDB Local queues contending transactions for seconds, where
  // DynamoDB cancels them at once (DESIGN.md, Overload).
  const client = createDocumentClient({ endpoint: stackUrls().dynamoDbEndpoint, requestTimeoutMs: 5_000 });
  reservations = new DynamoReservationRepository(client, tableName);
  credit = new DynamoCreditRepository(client, tableName);
  promoCodes = new DynamoPromoCodeRepository(client, tableName);
});

async function newCode(maxRedemptions?: number): Promise<string> {
  run += 1;
  const code = `SHARDS-${Date.now()}-${run}`;
  await promoCodes.create(
    { code, kind: 'PERCENT', percentOff: 10, ...(maxRedemptions === undefined ? {} : { maxRedemptions }) },
    new Date().toISOString(),
    'test',
  );
  return code;
}

/** A customer with credit, and the reservation of one purchase of theirs with the code. */
async function buyer(code: string, index: number): Promise<Reservation> {
  const customerId = `${code}-customer-${index}`;
  await grantDirectly(credit, customerId, 1_000);
  const now = new Date().toISOString();
  const purchaseId = `${code}-purchase-${index}`;
  return {
    purchaseId,
    customerId,
    productId: 'p1',
    quote: {
      product: productSnapshot(100),
      customer: CUSTOMER_SNAPSHOT,
      quantity: 1,
      unitPriceCents: 100,
      subtotalCents: 100,
      discountCents: 10,
      totalCents: 90,
      promoCode: code,
    },
    totalCents: 90,
    lotDraws: [], // Reserve's draws: reserveDirectly sets them
    status: 'PENDING',
    actor: 'test',
    shipmentKey: `purchase-${purchaseId}`,
    createdAt: now,
    updatedAt: now,
  };
}

/** Buyers made one after another (their grants are not what is tested). */
async function buyers(code: string, from: number, count: number): Promise<Reservation[]> {
  const made: Reservation[] = [];
  for (let index = from; index < from + count; index++) made.push(await buyer(code, index));
  return made;
}

const reserveAll = (held: readonly Reservation[], limited = true) =>
  Promise.all(
    held.map((one) =>
      reserveDirectly(reservations, credit, one, { limited }).catch((error: unknown) => {
        if (error instanceof PromoCodeInvalidError) return error.reason;
        throw error;
      }),
    ),
  );

describe('promo code counter shards', () => {
  it(`let exactly maxRedemptions of more concurrent purchases claim, spread over the ${PROMO_CODE_SHARDS} shards`, async () => {
    const code = await newCode(18);
    const held = await buyers(code, 0, 24);

    const outcomes = await reserveAll(held);

    expect(outcomes.filter((outcome) => outcome === 'reserved')).toHaveLength(18);
    expect(outcomes.filter((outcome) => outcome === 'EXHAUSTED')).toHaveLength(6);
    const shards = await promoCodes.shardsOf(code);
    for (const shard of shards) expect(shard.claimed).toBe(shard.allotment);
    expect(shards.reduce((sum, shard) => sum + (shard.allotment ?? 0), 0)).toBe(18);
    expect(await promoCodes.getPromoCode(code)).toMatchObject({ claimedRedemptions: 18, redemptions: 0 });
  });

  it('give a released hold’s claim back to the shard it came from, where the next purchase can take it', async () => {
    const code = await newCode(1);
    const [first, second, third] = await buyers(code, 0, 3);
    if (!first || !second || !third) throw new Error('three buyers');
    await reserveDirectly(reservations, credit, first, { limited: true });
    await expect(reserveDirectly(reservations, credit, second, { limited: true })).rejects.toMatchObject({
      reason: 'EXHAUSTED',
    });
    const claimedFrom = (await reservations.getReservation(first.purchaseId))?.promoShard;

    const stored = await reservations.getReservation(first.purchaseId);
    if (!stored) throw new Error('the reservation is there');
    await releaseDirectly(reservations, credit, stored);

    const shards = await promoCodes.shardsOf(code);
    expect(shards.find((shard) => shard.allotment === 1)?.shard).toBe(claimedFrom);
    expect(shards.every((shard) => shard.claimed === 0)).toBe(true);
    await expect(reserveDirectly(reservations, credit, third, { limited: true })).resolves.toBe('reserved');
    expect((await reservations.getReservation(third.purchaseId))?.promoShard).toBe(claimedFrom);
  });

  it('refuse a new maxRedemptions below what is claimed with 409 CONFLICT, changing nothing, and spread one above it', async () => {
    const code = await newCode(10);
    await reserveAll(await buyers(code, 0, 5));
    const before = await promoCodes.shardsOf(code);

    const refused = await promoCodes
      .update(code, { maxRedemptions: 4 }, new Date().toISOString(), 'test')
      .catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(PromoLimitBelowClaimedError);
    expect(refused).toMatchObject({ code: 'CONFLICT', details: { claimed: 5, maxRedemptions: 4 } });
    expect(await promoCodes.shardsOf(code)).toEqual(before);
    expect(await promoCodes.getPromoCode(code)).toMatchObject({ maxRedemptions: 10 });

    const lowered = await promoCodes.update(code, { maxRedemptions: 6 }, new Date().toISOString(), 'test');

    expect(lowered).toMatchObject({ maxRedemptions: 6, claimedRedemptions: 5 });
    const after = await promoCodes.shardsOf(code);
    expect(after.reduce((sum, shard) => sum + (shard.allotment ?? 0), 0)).toBe(6);
    for (const shard of after) expect(shard.allotment).toBeGreaterThanOrEqual(shard.claimed);
    const more = await buyers(code, 5, 2);
    expect((await reserveAll(more)).sort()).toEqual(['EXHAUSTED', 'reserved']);
  });

  it('keep the claims of a code without a limit, so that a limit set later counts them', async () => {
    const code = await newCode();
    expect(await reserveAll(await buyers(code, 0, 3), false)).toEqual(['reserved', 'reserved', 'reserved']);

    await expect(
      promoCodes.update(code, { maxRedemptions: 2 }, new Date().toISOString(), 'test'),
    ).rejects.toMatchObject({ details: { claimed: 3 } });
    expect((await promoCodes.shardsOf(code)).every((shard) => shard.allotment === undefined)).toBe(true);
    await promoCodes.update(code, { maxRedemptions: 4 }, new Date().toISOString(), 'test');

    // A purchase quoted before the limit claims as an unlimited one: refused, it claims again as limited.
    const late = await buyers(code, 3, 2);
    expect((await reserveAll(late, false)).sort()).toEqual(['EXHAUSTED', 'reserved']);
    expect(await promoCodes.getPromoCode(code)).toMatchObject({ claimedRedemptions: 4 });
  });
});

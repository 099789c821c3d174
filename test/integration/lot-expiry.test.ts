import { beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoCreditRepository } from '../../functions/credit/credit.repository.ts';
import { type ExpiryResult, expireDueLots } from '../../functions/ledger/expire-lots.ts';
import { DynamoLotExpiryStore } from '../../functions/ledger/lot-expiry.repository.ts';
import { DynamoReservationRepository } from '../../functions/purchases/saga/reservation.repository.ts';
import type { Reservation } from '../../functions/purchases/saga/reservation.ts';
import { CUSTOMER_SNAPSHOT, productSnapshot } from '../support/fixtures.ts';
import { grantDirectly, releaseDirectly, reserveDirectly } from '../support/ledger-writes.ts';
import { freshMainTable } from '../support/tables.ts';

let credit: DynamoCreditRepository;
let reservations: DynamoReservationRepository;
let store: DynamoLotExpiryStore;

beforeAll(async () => {
  // A table of its own: the due index then holds only this file's accounts.
  const { client, tableName } = await freshMainTable();
  credit = new DynamoCreditRepository(client, tableName);
  reservations = new DynamoReservationRepository(client, tableName);
  store = new DynamoLotExpiryStore(client, tableName);
});

const HOUR = 3_600_000;
const START = Date.parse('2031-03-10T12:00:00.000Z');
const at = (hours: number): string => new Date(START + hours * HOUR).toISOString();
let ids = 0;

/** One run of the expiry as the schedule makes it, with the clock at `hours` past START. */
function expiryRun(hours: number, pageSize = 100): Promise<ExpiryResult> {
  const now = new Date(START + hours * HOUR);
  return expireDueLots(
    {
      store,
      clock: { now: () => now },
      newId: () => `expiry-${++ids}`,
      retry: { maxAttempts: 20, wait: () => Promise.resolve() },
      logger: { warn: () => undefined },
    },
    { pageSize, deadline: new Date(now.getTime() + 60_000) },
  );
}

let customers = 0;
const newCustomer = (): string => `expiry-${Date.now()}-${++customers}`;

function reservation(
  customerId: string,
  totalCents: number,
  createdAt: string,
): Omit<Reservation, 'lotDraws'> {
  const purchaseId = `${customerId}-purchase-${++ids}`;
  return {
    purchaseId,
    customerId,
    productId: 'p1',
    quote: {
      product: productSnapshot(totalCents),
      customer: CUSTOMER_SNAPSHOT,
      quantity: 1,
      unitPriceCents: totalCents,
      subtotalCents: totalCents,
      discountCents: 0,
      totalCents,
    },
    totalCents,
    status: 'PENDING',
    actor: 'test',
    shipmentKey: `purchase-${purchaseId}`,
    createdAt,
    updatedAt: createdAt,
  };
}

async function entriesOf(customerId: string) {
  return (await credit.listEntries(customerId, { limit: 100 })).items.reverse();
}

describe('lot expiry on DynamoDB Local', () => {
  it('expires what remains of each due lot once, with an EXPIRY entry per lot, and nothing that is not due', async () => {
    const customerId = newCustomer();
    await grantDirectly(credit, customerId, 300, { category: 'PROMOTIONAL', expiresAt: at(1), now: at(0) });
    await grantDirectly(credit, customerId, 500, { expiresAt: at(30), now: at(0) });
    await grantDirectly(credit, customerId, 1_000, { now: at(0) });

    const early = await expiryRun(0.5);
    const due = await expiryRun(2);
    const again = await expiryRun(2);

    expect(early.lotsExpired).toBe(0);
    expect(due).toMatchObject({ lotsExpired: 1, expiredCents: 300, complete: true });
    expect(again.lotsExpired).toBe(0);
    const expiries = (await entriesOf(customerId)).filter((entry) => entry.type === 'EXPIRY');
    expect(expiries).toEqual([
      expect.objectContaining({
        amountCents: -300,
        actor: 'system:expiry',
        reason: 'expired',
        balanceAfterCents: 1_500,
        lots: [expect.objectContaining({ amountCents: 300 })],
      }),
    ]);
    expect(await credit.getAccount(customerId)).toMatchObject({ availableCents: 1_500, heldCents: 0 });
  });

  it('expires a lot exactly once when runs overlap', async () => {
    const customerId = newCustomer();
    await grantDirectly(credit, customerId, 700, { expiresAt: at(1), now: at(0) });

    const runs = await Promise.all([expiryRun(5), expiryRun(5), expiryRun(5)]);

    expect(runs.reduce((sum, run) => sum + run.lotsExpired, 0)).toBe(1);
    expect((await entriesOf(customerId)).filter((entry) => entry.type === 'EXPIRY')).toHaveLength(1);
    expect(await credit.getAccount(customerId)).toMatchObject({ availableCents: 0, heldCents: 0, lots: [] });
  });

  it('leaves a held part to its purchase in flight, and expires it at once if the purchase is released', async () => {
    const customerId = newCustomer();
    await grantDirectly(credit, customerId, 500, { expiresAt: at(1), now: at(0) });
    await grantDirectly(credit, customerId, 500, { now: at(0) });
    const held = reservation(customerId, 400, at(0.5));
    await reserveDirectly(reservations, credit, held);

    await expiryRun(2);

    // The lot due at 1 h gave 400 to the hold; its other 100 expired; the hold keeps its 400.
    expect(await credit.getAccount(customerId)).toMatchObject({ availableCents: 500, heldCents: 400 });
    const stored = await reservations.getReservation(held.purchaseId);
    if (!stored) throw new Error('no reservation');
    await releaseDirectly(reservations, credit, stored, at(2.5));

    expect(await credit.getAccount(customerId)).toMatchObject({ availableCents: 500, heldCents: 0 });
    const expiries = (await entriesOf(customerId)).filter((entry) => entry.type === 'EXPIRY');
    expect(expiries.map((entry) => entry.amountCents)).toEqual([-100, -400]);
    expect(expiries[1]).toMatchObject({ purchaseId: held.purchaseId, actor: 'system:expiry' });
  });

  it('moves an account whose due lot a hold spent out of the due index instead of expiring anything', async () => {
    const customerId = newCustomer();
    await grantDirectly(credit, customerId, 200, { expiresAt: at(1), now: at(0) });
    await reserveDirectly(reservations, credit, reservation(customerId, 200, at(0.5)));

    const first = await expiryRun(3);
    const listed = await store.listDue(at(3), { limit: 100 });

    expect(first.lotsExpired).toBe(0);
    expect(listed.items).not.toContain(customerId);
    expect(await credit.getAccount(customerId)).toMatchObject({ availableCents: 0, heldCents: 200 });
  });

  it('expires more due lots than one transaction takes, over several writes', async () => {
    const customerId = newCustomer();
    // Different UTC days, so no two merge: 20 lots, all due by 21 days.
    for (let day = 1; day <= 20; day++) {
      await grantDirectly(credit, customerId, 10, { expiresAt: at(day * 24), now: at(0) });
    }

    const result = await expiryRun(21 * 24);

    // The run also expires what earlier tests' accounts have due by then; this account's part:
    const expiries = (await entriesOf(customerId)).filter((entry) => entry.type === 'EXPIRY');
    expect(expiries).toHaveLength(20);
    expect(expiries.every((entry) => entry.amountCents === -10 && entry.lots?.length === 1)).toBe(true);
    expect(result.complete).toBe(true);
    expect(await credit.getAccount(customerId)).toMatchObject({ availableCents: 0, lots: [] });
  });

  it('holds a purchase that needs 150 lots in one transaction', async () => {
    const customerId = newCustomer();
    for (let day = 1; day <= 150; day++) {
      await grantDirectly(credit, customerId, 10, { expiresAt: at(day * 24), now: at(0) });
    }
    const big = reservation(customerId, 1_495, at(0.5));

    await expect(reserveDirectly(reservations, credit, big)).resolves.toBe('reserved');

    const stored = await reservations.getReservation(big.purchaseId);
    expect(stored?.lotDraws).toHaveLength(150);
    expect(await credit.getAccount(customerId)).toMatchObject({ availableCents: 5, heldCents: 1_495 });
  });
});

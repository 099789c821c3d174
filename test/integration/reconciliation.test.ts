import { randomBytes } from 'node:crypto';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DynamoAuditRepository } from '../../functions/audit/audit.repository.ts';
import { auditEntryFor } from '../../functions/audit/audit.ts';
import { projectStreamBatch } from '../../functions/audit/audit-stream.ts';
import { DynamoCreditRepository } from '../../functions/credit/credit.repository.ts';
import * as ledger from '../../functions/ledger/account.ts';
import { expireDueLots } from '../../functions/ledger/expire-lots.ts';
import { DynamoLotExpiryStore } from '../../functions/ledger/lot-expiry.repository.ts';
import { holdLimits, type ReconciliationReport, reconcile } from '../../functions/ops/reconciliation.ts';
import { DynamoPromoCodeRepository } from '../../functions/promo-codes/promo-code.repository.ts';
import { commitPurchase } from '../../functions/purchases/saga/commit-purchase.ts';
import { DynamoReservationRepository } from '../../functions/purchases/saga/reservation.repository.ts';
import { DynamoRefundRepository } from '../../functions/refunds/refund.repository.ts';
import { refundPurchase } from '../../functions/refunds/refund.ts';
import { promoShardKey } from '../../functions/shared/db/keys.ts';
import { type StreamPoller, startStreamPoller } from '../../local/stream-poller.ts';
import { CUSTOMER_SNAPSHOT, productSnapshot } from '../support/fixtures.ts';
import { grantDirectly, reserveDirectly } from '../support/ledger-writes.ts';
import { stackUrls } from '../support/stack.ts';
import { freshAuditTable, freshMainTable } from '../support/tables.ts';

/** Now is fixed; the sweeper's age limit is the default. */
const NOW = new Date('2026-11-21T12:00:00.000Z');
const LIMITS = holdLimits({ now: NOW });

let tables: { main: string; audit: string };
let client: Awaited<ReturnType<typeof freshMainTable>>['client'];
let audit: DynamoAuditRepository;

/** Stores an item (at version 1 unless it says) in the main table and, unless told not to, its audit record. */
async function store(written: Record<string, unknown>, audited = true): Promise<void> {
  const item = { version: 1, ...written };
  await client.send(new PutCommand({ TableName: tables.main, Item: item }));
  const entry = auditEntryFor({
    eventId: `e-${Math.random()}`,
    sequenceNumber: '1',
    kind: 'INSERT',
    before: undefined,
    after: item,
    observedAt: '2026-11-21T12:00:00.000Z',
  });
  if (audited && entry) await audit.append(entry);
}

/**
 * Replaces a stored item with the next version of it and, unless told not to, audits the change as
 * the stream would report it.
 */
async function update(
  before: Record<string, unknown>,
  next: Record<string, unknown>,
  audited = true,
): Promise<void> {
  const after = { ...next, version: Number(before.version ?? 1) + 1 };
  await client.send(new PutCommand({ TableName: tables.main, Item: after }));
  const entry = auditEntryFor({
    eventId: `e-${Math.random()}`,
    sequenceNumber: '2',
    kind: 'MODIFY',
    before,
    after,
    observedAt: '2026-11-21T12:00:00.000Z',
  });
  if (audited && entry) await audit.append(entry);
}

/** An account whose credit is one never-expiring PAID lot, granted by entry t1. */
const account = (available: number, held = 0) => ({
  PK: 'CUSTOMER#c1',
  SK: 'CREDIT',
  entity: 'CREDIT_ACCOUNT',
  customerId: 'c1',
  availableCents: available,
  heldCents: held,
  lots: [
    {
      lotId: 't1',
      category: 'PAID',
      grantedCents: available + held,
      remainingCents: available,
      heldCents: held,
      grantedAt: '2026-11-21T11:00:00.000Z',
      transactionId: 't1',
    },
  ],
});
/** A GRANT to lot t1, or a DEDUCTION from it. */
const entry = (version: number, amountCents: number) => ({
  PK: 'CUSTOMER#c1',
  SK: `TXN#${version}`,
  entity: 'CREDIT_TRANSACTION',
  id: `t${version}`,
  customerId: 'c1',
  type: amountCents > 0 ? 'GRANT' : 'DEDUCTION',
  amountCents,
  lots: [{ lotId: 't1', amountCents: Math.abs(amountCents) }],
  createdAt: '2026-11-21T11:00:00.000Z',
});

beforeEach(async () => {
  const main = await freshMainTable();
  const auditTable = await freshAuditTable();
  client = main.client;
  tables = { main: main.tableName, audit: auditTable.tableName };
  audit = new DynamoAuditRepository(auditTable.client, auditTable.tableName);
});

describe('reconcile', () => {
  it('finds nothing wrong when ledger, balance and audit agree', async () => {
    await store(entry(1, 500));
    await store(entry(2, -200));
    await store(account(300));

    const report = await reconcile(client, tables, LIMITS);

    expect(report.breaches).toEqual([]);
    expect(report.checked).toMatchObject({ customers: 1, auditedItems: 3, auditRecords: 3 });
  });

  it('folds trails whose updates hold only what changed, for items of any size DynamoDB takes', async () => {
    const reservation = {
      PK: 'RESERVATION#p1',
      SK: 'RESERVATION',
      entity: 'RESERVATION',
      purchaseId: 'p1',
      customerId: 'c1',
      totalCents: 0,
      status: 'PENDING',
      quote: {
        product: {
          description: randomBytes(300 * 1024)
            .toString('base64')
            .slice(0, 400_000),
        },
      },
      GSI3PK: 'RESERVATIONS#OPEN',
    };
    const { GSI3PK: _closed, ...committed } = { ...reservation, status: 'COMMITTED', shipmentId: 's1' };
    await store(reservation);
    await update(reservation, { ...reservation, status: 'SHIPPING' });
    await update({ ...reservation, status: 'SHIPPING', version: 2 }, committed);

    const report = await reconcile(client, tables, LIMITS);

    expect(report.breaches).toEqual([]);
    expect(report.checked).toMatchObject({ auditedItems: 1, auditRecords: 3 });
  });

  it('reports a trail that lacks a change', async () => {
    const reservation = { PK: 'R#p1', SK: 'R', entity: 'RESERVATION', purchaseId: 'p1', status: 'SHIPPED' };
    await store(reservation);
    await update(reservation, { ...reservation, status: 'COMMITTED' }, false);

    const { breaches } = await reconcile(client, tables, LIMITS);

    expect(breaches).toEqual([
      'RESERVATION p1: audit trail does not fold to its current state',
      'RESERVATION p1: audit trail ends at 1, the item is at version 2',
    ]);
  });

  it('reports a balance the ledger does not explain, and a hold no reservation explains', async () => {
    await store(entry(1, 500));
    await store(account(300, 100));

    const { breaches } = await reconcile(client, tables, LIMITS);

    expect(breaches).toEqual([
      'customer c1: ledger sums to 500, balance is 400',
      'customer c1: holds 100, open reservations total 0',
      "customer c1: PAID lots hold 400, the ledger's parts sum to 500",
    ]);
  });

  it('reports refunds beyond the total and an item with no audit record', async () => {
    await store({
      PK: 'PURCHASE#p1',
      SK: 'PURCHASE',
      entity: 'PURCHASE',
      id: 'p1',
      totalCents: 100,
      refundedCents: 150,
      status: 'REFUNDED',
    });
    await store(
      { PK: 'PURCHASE#p1', SK: 'REFUND#r1', entity: 'REFUND', id: 'r1', purchaseId: 'p1', amountCents: 150 },
      false,
    );

    const { breaches } = await reconcile(client, tables, LIMITS);

    expect(breaches).toEqual([
      'purchase p1: refunded 150 of 100',
      'purchase p1: status REFUNDED, should be PARTIALLY_REFUNDED',
      'REFUND r1: no audit record',
    ]);
  });

  describe('holds that outlive what should finish them', () => {
    const secondsAgo = (seconds: number): string => new Date(NOW.getTime() - seconds * 1000).toISOString();
    const hold = (purchaseId: string, status: string, createdAt: string, review?: string) => ({
      PK: `PURCHASE#${purchaseId}`,
      SK: 'RESERVATION',
      entity: 'RESERVATION',
      purchaseId,
      customerId: 'c1',
      totalCents: 100,
      status,
      createdAt,
      ...(review === undefined ? {} : { awaitingReviewSince: createdAt, reviewReason: review }),
    });

    it("reports a SHIPPED reservation older than the saga's time budget, and not one within it", async () => {
      await store(entry(1, 500));
      await store(account(300, 200));
      await store(hold('p-late', 'SHIPPED', secondsAgo(26)));
      await store(hold('p-live', 'SHIPPED', secondsAgo(20)));

      const { breaches } = await reconcile(client, tables, LIMITS);

      expect(breaches).toEqual([
        "reservation p-late (customer c1, 100 cents held): SHIPPED 26 s ago, past the saga's 25 s, and not committed",
      ]);
    });

    it("reports any hold older than the sweeper's limit, one awaiting review included, and not one within it", async () => {
      // The sweeper's limit: its age limit (120 s), its interval (60 s) and its run (60 s).
      await store(entry(1, 500));
      await store(account(200, 300));
      await store(hold('p-pending', 'PENDING', secondsAgo(241)));
      await store(hold('p-review', 'SHIPPING', secondsAgo(3_600), 'SHIPMENT_UNKNOWN'));
      await store(hold('p-young', 'PENDING', secondsAgo(239)));

      const { breaches } = await reconcile(client, tables, LIMITS);

      expect(breaches).toEqual([
        'reservation p-pending (customer c1, 100 cents held): PENDING since 241 s ago, past the 240 s within which the sweeper finishes a hold',
        'reservation p-review (customer c1, 100 cents held, awaiting review: SHIPMENT_UNKNOWN): SHIPPING since 3600 s ago, past the 240 s within which the sweeper finishes a hold',
      ]);
    });
  });

  it('reports promo counter shards that the reservations and purchases do not explain, and allotments that miss the limit', async () => {
    const promoCodes = new DynamoPromoCodeRepository(client, tables.main);
    await promoCodes.create(
      { code: 'SHARDED', kind: 'PERCENT', percentOff: 10, maxRedemptions: 40 },
      '2026-11-21T12:00:00.000Z',
      'test',
    );
    await store({
      PK: 'PURCHASE#p1',
      SK: 'RESERVATION',
      entity: 'RESERVATION',
      purchaseId: 'p1',
      customerId: 'c9',
      status: 'COMMITTED',
      totalCents: 90,
      quote: { promoCode: 'SHARDED' },
      promoShard: 3,
    });
    await store({
      PK: 'PURCHASE#p1',
      SK: 'PURCHASE',
      entity: 'PURCHASE',
      id: 'p1',
      totalCents: 90,
      refundedCents: 0,
      status: 'COMPLETED',
      promoCode: 'SHARDED',
    });
    await client.send(
      new UpdateCommand({
        TableName: tables.main,
        Key: promoShardKey('SHARDED', 0),
        UpdateExpression: 'SET allotment = allotment + :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );

    const { breaches } = await reconcile(client, tables, LIMITS);

    expect(breaches.filter((breach) => breach.startsWith('promo code'))).toEqual([
      'promo code SHARDED: 0 redemptions, 1 completed purchases',
      'promo code SHARDED, shard 3: 0 claimed, 1 purchases hold or used it',
      'promo code SHARDED, shard 3: 0 redeemed, 1 purchases completed with it',
      'promo code SHARDED: shards allot 41, its limit is 40',
    ]);
  });
});

describe('reconcile credit lots', () => {
  const at = (secondsBeforeNow: number): string =>
    new Date(NOW.getTime() - secondsBeforeNow * 1000).toISOString();
  const HOUR = 3_600;
  const lot = (
    lotId: string,
    category: 'PAID' | 'PROMOTIONAL',
    remainingCents: number,
    { heldCents = 0, expiresAt }: { heldCents?: number; expiresAt?: string } = {},
  ) => ({
    lotId,
    category,
    grantedCents: remainingCents + heldCents,
    remainingCents,
    heldCents,
    ...(expiresAt === undefined ? {} : { expiresAt }),
    grantedAt: at(10 * HOUR),
    transactionId: lotId,
  });
  type StoredLot = ReturnType<typeof lot>;
  const sum = (lots: StoredLot[], field: 'remainingCents' | 'heldCents'): number =>
    lots.reduce((total, each) => total + each[field], 0);
  /** The account as the ledger writes it: its figures are its lots' sums unless told otherwise. */
  const lotAccount = (lots: StoredLot[], figures: { availableCents?: number; heldCents?: number } = {}) => ({
    PK: 'CUSTOMER#c1',
    SK: 'CREDIT',
    entity: 'CREDIT_ACCOUNT',
    customerId: 'c1',
    availableCents: figures.availableCents ?? sum(lots, 'remainingCents'),
    heldCents: figures.heldCents ?? sum(lots, 'heldCents'),
    lots,
  });
  const ledgerEntry = (
    version: number,
    type: string,
    amountCents: number,
    lots: { lotId: string; amountCents: number }[] | undefined,
    createdAt = at(9 * HOUR),
  ) => ({
    PK: 'CUSTOMER#c1',
    SK: `TXN#${version}`,
    entity: 'CREDIT_TRANSACTION',
    id: `t${version}`,
    customerId: 'c1',
    type,
    amountCents,
    ...(lots === undefined ? {} : { lots }),
    createdAt,
  });
  const draw = (
    lotId: string,
    amountCents: number,
    category: 'PAID' | 'PROMOTIONAL',
    expiresAt?: string,
  ) => ({
    lotId,
    amountCents,
    category,
    ...(expiresAt === undefined ? {} : { expiresAt }),
    grantedAt: at(10 * HOUR),
    transactionId: lotId,
  });
  const committed = (purchaseId: string, createdAt: string, lotDraws: ReturnType<typeof draw>[]) => ({
    PK: `PURCHASE#${purchaseId}`,
    SK: 'RESERVATION',
    entity: 'RESERVATION',
    purchaseId,
    customerId: 'c1',
    totalCents: lotDraws.reduce((total, each) => total + each.amountCents, 0),
    status: 'COMMITTED',
    lotDraws,
    createdAt,
  });

  it("reports an account whose available and held credit are not its lots' sums", async () => {
    await store(ledgerEntry(1, 'GRANT', 500, [{ lotId: 'g1', amountCents: 500 }]));
    await store(lotAccount([lot('g1', 'PAID', 500)], { availableCents: 400, heldCents: 100 }));

    const { breaches } = await reconcile(client, tables, LIMITS);

    expect(breaches).toEqual([
      'customer c1: holds 100, open reservations total 0',
      "customer c1: available 400, its lots' remainders 500",
      'customer c1: held 100, its lots hold 0',
    ]);
  });

  it("reports a category whose lots the ledger's parts do not explain, though the totals agree", async () => {
    await store(ledgerEntry(1, 'GRANT', 300, [{ lotId: 'g1', amountCents: 300 }]));
    await store(ledgerEntry(2, 'GRANT', 200, [{ lotId: 'g2', amountCents: 200 }]));
    await store(ledgerEntry(3, 'DEDUCTION', -100, [{ lotId: 'g1', amountCents: 100 }]));
    // The deduction's 100 left the PROMOTIONAL lot instead of the PAID one it names.
    await store(lotAccount([lot('g2', 'PROMOTIONAL', 100), lot('g1', 'PAID', 300)]));

    const { breaches } = await reconcile(client, tables, LIMITS);

    expect(breaches).toEqual([
      "customer c1: PAID lots hold 300, the ledger's parts sum to 200",
      "customer c1: PROMOTIONAL lots hold 100, the ledger's parts sum to 200",
    ]);
  });

  it('reports an entry whose lot parts do not add up to its amount', async () => {
    await store(ledgerEntry(1, 'GRANT', 500, [{ lotId: 'g1', amountCents: 500 }]));
    await store(ledgerEntry(2, 'DEDUCTION', -100, [{ lotId: 'g1', amountCents: 60 }]));
    await store(lotAccount([lot('g1', 'PAID', 400)]));

    const { breaches } = await reconcile(client, tables, LIMITS);

    expect(breaches).toEqual([
      'customer c1: entry t2 (DEDUCTION -100): its lots add up to 60',
      "customer c1: PAID lots hold 400, the ledger's parts sum to 440",
    ]);
  });

  it('reports an entry of a type that moves lots and names none', async () => {
    await store(ledgerEntry(1, 'GRANT', 500, [{ lotId: 'g1', amountCents: 500 }]));
    await store(ledgerEntry(2, 'DEDUCTION', -100, undefined));
    await store(lotAccount([lot('g1', 'PAID', 400)]));

    const { breaches } = await reconcile(client, tables, LIMITS);

    expect(breaches).toEqual([
      'customer c1: entry t2 (DEDUCTION -100) names no lots',
      "customer c1: PAID lots hold 400, the ledger's parts sum to 500",
    ]);
  });

  it('reports an entry that names a lot the account never had', async () => {
    await store(ledgerEntry(1, 'GRANT', 500, [{ lotId: 'g1', amountCents: 500 }]));
    await store(ledgerEntry(2, 'DEDUCTION', -100, [{ lotId: 'ghost', amountCents: 100 }]));
    await store(lotAccount([lot('g1', 'PAID', 400)]));

    const { breaches } = await reconcile(client, tables, LIMITS);

    expect(breaches).toEqual(['customer c1: entry t2 names lot ghost, which the account never had']);
  });

  it('reports a DEDUCTION that drew from a lot after its expiresAt, and not one just before it', async () => {
    const expiresAt = at(60);
    await store(ledgerEntry(1, 'GRANT', 500, [{ lotId: 'g1', amountCents: 500 }]));
    await store(ledgerEntry(2, 'DEDUCTION', -100, [{ lotId: 'g1', amountCents: 100 }], at(61)));
    await store(ledgerEntry(3, 'DEDUCTION', -100, [{ lotId: 'g1', amountCents: 100 }], at(60)));
    await store(lotAccount([lot('g1', 'PAID', 300, { expiresAt })]));

    const { breaches } = await reconcile(client, tables, LIMITS);

    expect(breaches).toEqual([
      `customer c1: DEDUCTION t3 drew 100 from lot g1 at ${at(60)}, after it expired at ${expiresAt}`,
    ]);
  });

  it('reports a hold made after its lot expired, the lot known only from its draw', async () => {
    const expiresAt = at(HOUR);
    await store(ledgerEntry(1, 'GRANT', 100, [{ lotId: 'g1', amountCents: 100 }]));
    await store(ledgerEntry(2, 'PURCHASE', -100, [{ lotId: 'g1', amountCents: 100 }], at(1_700)));
    await store(committed('p1', at(1_800), [draw('g1', 100, 'PROMOTIONAL', expiresAt)]));
    await store(lotAccount([]));

    const { breaches } = await reconcile(client, tables, LIMITS);

    expect(breaches).toEqual([
      `customer c1: reservation p1 held 100 of lot g1 at ${at(1_800)}, after it expired at ${expiresAt}`,
    ]);
  });

  it("reports a draw whose copy of its lot's expiry differs from the lot's, and judges the hold by the lot", async () => {
    const expiresAt = at(HOUR);
    const later = at(-HOUR);
    await store(ledgerEntry(1, 'GRANT', 300, [{ lotId: 'g1', amountCents: 300 }]));
    await store(ledgerEntry(2, 'PURCHASE', -100, [{ lotId: 'g1', amountCents: 100 }], at(1_700)));
    await store(committed('p1', at(1_800), [draw('g1', 100, 'PAID', later)]));
    const before = { ...lotAccount([lot('g1', 'PAID', 200, { expiresAt })]), version: 1 };
    await store(before);
    // The lot's 200 expired since: the account no longer has it, its audit trail does.
    await store(ledgerEntry(3, 'EXPIRY', -200, [{ lotId: 'g1', amountCents: 200 }], at(HOUR - 5)));
    await update(before, lotAccount([]));

    const { breaches } = await reconcile(client, tables, LIMITS);

    expect(breaches).toEqual([
      `customer c1: lot g1 is PAID expiring at ${expiresAt} on its audit trail, PAID expiring at ${later} on reservation p1`,
      `customer c1: reservation p1 held 100 of lot g1 at ${at(1_800)}, after it expired at ${expiresAt}`,
    ]);
  });

  it('reports a lot due longer ago than the expiry run takes with a remainder, and not one due within it', async () => {
    // The run's interval (300 s) and its timeout (120 s).
    await store(ledgerEntry(1, 'GRANT', 100, [{ lotId: 'late', amountCents: 100 }]));
    await store(ledgerEntry(2, 'GRANT', 100, [{ lotId: 'recent', amountCents: 100 }]));
    await store(
      lotAccount([
        lot('late', 'PAID', 100, { expiresAt: at(421) }),
        lot('recent', 'PAID', 100, { expiresAt: at(419) }),
      ]),
    );

    const { breaches } = await reconcile(client, tables, LIMITS);

    expect(breaches).toEqual([
      `customer c1: lot late fell due at ${at(421)}, 421 s ago, past the 420 s within which the expiry run expires it, and keeps 100`,
    ]);
  });
});

describe('reconcile a healthy lot history', () => {
  let poller: StreamPoller | undefined;
  afterEach(async () => {
    await poller?.stop();
    poller = undefined;
  });

  /** Hours after the history began, 40 hours before NOW. */
  const START = NOW.getTime() - 40 * 3_600_000;
  const hour = (hours: number): Date => new Date(START + hours * 3_600_000);
  let ids = 0;
  const newId = (): string => `healthy-${++ids}`;
  const retry = { maxAttempts: 20, wait: () => Promise.resolve() };

  it('balances grants with expiry, a purchase across lots, a deduction, a refund into an expired lot and an expiry, and tells finance what is outstanding and what lapsed in the last day', async () => {
    // The audit as in AWS: the table's stream projected into the audit table.
    poller = await startStreamPoller({
      functionId: 'ProjectAudit',
      endpoint: stackUrls().dynamoDbEndpoint,
      tableName: tables.main,
      handler: (event) => projectStreamBatch({ audit, logger: { error: () => undefined } }, event),
      log: () => undefined,
    });
    const credit = new DynamoCreditRepository(client, tables.main);
    const reservations = new DynamoReservationRepository(client, tables.main);
    const refunds = new DynamoRefundRepository(client, tables.main);
    const customerId = 'c1';
    const grantedAt = hour(0).toISOString();
    await grantDirectly(credit, customerId, 300, {
      category: 'PROMOTIONAL',
      expiresAt: hour(10).toISOString(),
      now: grantedAt,
    });
    await grantDirectly(credit, customerId, 500, { expiresAt: hour(30).toISOString(), now: grantedAt });
    await grantDirectly(credit, customerId, 200, { now: grantedAt });

    // A purchase of 400 draws the PROMOTIONAL lot's 300 and 100 of the PAID one that expires next.
    const reservedAt = hour(1).toISOString();
    await reserveDirectly(reservations, credit, {
      purchaseId: 'p1',
      customerId,
      productId: 'product-1',
      quote: {
        product: productSnapshot(400),
        customer: CUSTOMER_SNAPSHOT,
        quantity: 1,
        unitPriceCents: 400,
        subtotalCents: 400,
        discountCents: 0,
        totalCents: 400,
      },
      totalCents: 400,
      status: 'PENDING',
      actor: 'test',
      shipmentKey: 'purchase-p1',
      createdAt: reservedAt,
      updatedAt: reservedAt,
    });
    await reservations.markShipping('p1', reservedAt);
    await reservations.markShipped('p1', 'shipment-1', reservedAt);
    await commitPurchase(
      { reservations, accounts: credit, clock: { now: () => hour(1.01) }, newId, retry },
      { purchaseId: 'p1', customerId },
    );

    const deductedAt = hour(2).toISOString();
    const before = await credit.getAccount(customerId);
    if (!before) throw new Error('the grants made the account');
    const deduction = ledger.deduct(
      before,
      { amountCents: 50, reason: 'test', actor: 'test' },
      { now: deductedAt, newId },
    );
    await credit.appendEntry({
      write: deduction.write,
      answer: {
        transaction: deduction.transaction,
        credit: ledger.creditView(deduction.write.after, deductedAt),
      },
    });

    // 350 back, the last-drawn first: 100 to the PAID lot, 250 to the PROMOTIONAL one, which has expired.
    const refund = await refundPurchase(
      { refunds, accounts: credit, clock: { now: () => hour(12) }, newId, retry },
      { purchaseId: 'p1', amountCents: 350, reason: 'test', actor: 'test' },
    );
    expect(refund).toBeDefined();

    // The PAID lot's 450 lapses.
    const store = new DynamoLotExpiryStore(client, tables.main);
    const expiry = await expireDueLots(
      { store, clock: { now: () => hour(31) }, newId, retry, logger: { warn: () => undefined } },
      { pageSize: 10, deadline: new Date(hour(31).getTime() + 60_000) },
    );
    expect(expiry).toMatchObject({ lotsExpired: 1, expiredCents: 450 });

    // The audit follows the stream: reconcile until it has caught up (bounded).
    const deadline = Date.now() + 30_000;
    let report: ReconciliationReport;
    do report = await reconcile(client, tables, LIMITS);
    while (report.breaches.length > 0 && Date.now() < deadline);

    expect(report.breaches).toEqual([]);
    expect(report.checked).toMatchObject({ customers: 1, purchases: 1 });
    expect(report.credit).toEqual({
      outstandingCents: { PAID: 200, PROMOTIONAL: 0 },
      // The refund's 250 expired 28 hours before NOW: not in the last day.
      expiredLastDayCents: { PAID: 450, PROMOTIONAL: 0 },
    });
  });
});

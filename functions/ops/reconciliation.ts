import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { canonicalJson } from '#shared/canonical-json.ts';
import { DEFAULT_RESERVATION_MAX_AGE_SECONDS } from '#shared/config.ts';
import { PROMO_CODE_SHARDS } from '#shared/db/keys.ts';
import type { StoredAuditRecord } from '../audit/audit.schemas.ts';
import { auditEntryFor, foldTrail } from '../audit/audit.ts';
import { isPartItem, isRecordItem, partsPartition, recordFromItems } from '../audit/audit-items.ts';
import { PROMO_SHARD_ENTITY } from '../promo-codes/promo-redemption-writes.ts';
import {
  EXPIRY_INTERVAL_SECONDS,
  LOT_EXPIRY,
  PURCHASE_STATE_MACHINE,
  RESERVATION_SWEEPER,
  SWEEP_INTERVAL_SECONDS,
} from '../workers.ts';
import { type CreditFigures, noCents, reconcileCustomerLots } from './lot-reconciliation.ts';

/**
 * The invariants that say the books are right, checked over whole tables:
 * - every customer: the ledger sums to `balanceCents` (available + held); held equals the open
 *   reservations; nothing is negative;
 * - no hold outlives what finishes it: a SHIPPED reservation is committed within the saga's time
 *   budget, and any open reservation is finished by the sweeper within its age limit (one held for
 *   review is a breach until a person finishes it);
 * - every purchase: its refunds sum to `refundedCents`, which never exceeds `totalCents`, and its
 *   status says so;
 * - every promo code: its counter shards' claims and redemptions are the reservations and purchases
 *   that name them, and a limited code's shards split exactly its limit;
 * - every stored entity has its audit trail: one record per immutable item (ledger entry, refund),
 *   sequences without gaps, and for every item a trail that folds (creation, then each update's
 *   changed attributes) to exactly the item as it is;
 * - every customer's credit lots: their sums, their entries' parts, no spend after an expiry, no
 *   due lot left unexpired (lot-reconciliation.ts); and the credit outstanding and expired, for finance.
 * An operations tool: it scans. In production it would read a point-in-time export instead.
 */

type Item = Record<string, unknown>;

export interface ReconciliationReport {
  checked: {
    customers: number;
    purchases: number;
    promoCodes: number;
    auditedItems: number;
    auditRecords: number;
  };
  breaches: string[];
  credit: CreditFigures;
}

const OPEN_RESERVATION = new Set(['PENDING', 'SHIPPING', 'SHIPPED']);

/** How long a hold may last, how late a due lot may be expired, and when "now" is. */
export interface HoldLimits {
  now: Date;
  /** Past this a SHIPPED reservation should be committed: the state machine's timeout. */
  sagaTimeoutMs: number;
  /** Past this the sweeper should have finished any hold: its age limit, its interval and its run. */
  sweptWithinMs: number;
  /** Past this after its expiry a lot's remainder should be expired: the run's interval and its run. */
  lotsExpiredWithinMs: number;
}

/**
 * The limits as deployed, from the declarations, the sweeper's configured age limit and the expiry
 * run's interval (a local stack may run it more often than EventBridge does).
 */
export const holdLimits = ({
  reservationMaxAgeSeconds = DEFAULT_RESERVATION_MAX_AGE_SECONDS,
  expiryIntervalSeconds = EXPIRY_INTERVAL_SECONDS,
  now = new Date(),
}: {
  reservationMaxAgeSeconds?: number | undefined;
  expiryIntervalSeconds?: number | undefined;
  now?: Date;
} = {}): HoldLimits => ({
  now,
  sagaTimeoutMs: PURCHASE_STATE_MACHINE.timeoutSeconds * 1000,
  sweptWithinMs:
    (reservationMaxAgeSeconds + SWEEP_INTERVAL_SECONDS + RESERVATION_SWEEPER.timeoutSeconds) * 1000,
  lotsExpiredWithinMs: (expiryIntervalSeconds + LOT_EXPIRY.timeoutSeconds) * 1000,
});
const IMMUTABLE = new Set(['CREDIT_TRANSACTION', 'REFUND']);

async function scanAll(client: DynamoDBDocumentClient, tableName: string): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

const seconds = (ms: number): string => `${Math.round(ms / 1000)} s`;
const sum = (items: Item[], field: string): number =>
  items.reduce((total, item) => total + Number(item[field]), 0);
const group = <T>(items: T[], key: (item: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
};

export async function reconcile(
  client: DynamoDBDocumentClient,
  tables: { main: string; audit: string },
  limits: HoldLimits,
): Promise<ReconciliationReport> {
  const [main, audit] = await Promise.all([scanAll(client, tables.main), scanAll(client, tables.audit)]);
  const breaches: string[] = [];
  const ofKind = (entity: string): Item[] => main.filter((item) => item.entity === entity);

  const accounts = ofKind('CREDIT_ACCOUNT');
  const ledgerByCustomer = group(ofKind('CREDIT_TRANSACTION'), (item) => String(item.customerId));
  const openByCustomer = group(
    ofKind('RESERVATION').filter((item) => OPEN_RESERVATION.has(String(item.status))),
    (item) => String(item.customerId),
  );
  for (const account of accounts) {
    const customer = String(account.customerId);
    const available = Number(account.availableCents);
    const held = Number(account.heldCents);
    const ledger = sum(ledgerByCustomer.get(customer) ?? [], 'amountCents');
    const holds = sum(openByCustomer.get(customer) ?? [], 'totalCents');
    if (ledger !== available + held) {
      breaches.push(`customer ${customer}: ledger sums to ${ledger}, balance is ${available + held}`);
    }
    if (held !== holds)
      breaches.push(`customer ${customer}: holds ${held}, open reservations total ${holds}`);
    if (available < 0 || held < 0)
      breaches.push(`customer ${customer}: available ${available}, held ${held}`);
    ledgerByCustomer.delete(customer);
  }
  for (const customer of ledgerByCustomer.keys())
    breaches.push(`customer ${customer}: ledger entries without an account`);

  for (const reservation of [...openByCustomer.values()].flat()) {
    const ageMs = limits.now.getTime() - Date.parse(String(reservation.createdAt));
    const name = `reservation ${String(reservation.purchaseId)} (customer ${String(reservation.customerId)}, ${String(reservation.totalCents)} cents held${reservation.awaitingReviewSince === undefined ? '' : `, awaiting review: ${String(reservation.reviewReason ?? 'SHIPMENT_UNKNOWN')}`})`;
    if (reservation.status === 'SHIPPED' && ageMs > limits.sagaTimeoutMs)
      breaches.push(
        `${name}: SHIPPED ${seconds(ageMs)} ago, past the saga's ${seconds(limits.sagaTimeoutMs)}, and not committed`,
      );
    else if (ageMs > limits.sweptWithinMs)
      breaches.push(
        `${name}: ${String(reservation.status)} since ${seconds(ageMs)} ago, past the ${seconds(limits.sweptWithinMs)} within which the sweeper finishes a hold`,
      );
  }

  const purchases = ofKind('PURCHASE');
  const refundsByPurchase = group(ofKind('REFUND'), (item) => String(item.purchaseId));
  for (const purchase of purchases) {
    const id = String(purchase.id);
    const total = Number(purchase.totalCents);
    const refunded = Number(purchase.refundedCents);
    const refunds = sum(refundsByPurchase.get(id) ?? [], 'amountCents');
    const status = refunded === 0 ? 'COMPLETED' : refunded === total ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
    if (refunds !== refunded)
      breaches.push(`purchase ${id}: refunds sum to ${refunds}, refundedCents is ${refunded}`);
    if (refunded > total) breaches.push(`purchase ${id}: refunded ${refunded} of ${total}`);
    if (purchase.status !== status)
      breaches.push(`purchase ${id}: status ${String(purchase.status)}, should be ${status}`);
  }

  // A code's counts are in its counter shards. A shard's `redeemed` is the committed purchases that
  // claimed from it, its `claimed` those plus the open holds that did (a released hold gave its claim
  // back); the shards' redeemed sum to the code's completed purchases; a limited code's allotments
  // split exactly its limit, and no shard has claimed past its allotment.
  const promoCodes = ofKind('PROMO_CODE');
  const codeOf = (item: Item): string | undefined =>
    typeof (item.quote as Item | undefined)?.promoCode === 'string'
      ? String((item.quote as Item).promoCode)
      : undefined;
  const claimsOf = ofKind('RESERVATION').filter(
    (item) =>
      codeOf(item) !== undefined &&
      (OPEN_RESERVATION.has(String(item.status)) || item.status === 'COMMITTED'),
  );
  const shardOf = (item: Item): string => `${String(codeOf(item))}#${String(item.promoShard)}`;
  const claimsByShard = group(claimsOf, shardOf);
  const redeemedByShard = group(
    claimsOf.filter((item) => item.status === 'COMMITTED'),
    shardOf,
  );
  const shardsByCode = group(ofKind(PROMO_SHARD_ENTITY), (item) => String(item.code));
  const redeemedByCode = group(
    purchases.filter((item) => typeof item.promoCode === 'string'),
    (item) => String(item.promoCode),
  );
  for (const promo of promoCodes) {
    const code = String(promo.code);
    const shards = shardsByCode.get(code) ?? [];
    const completed = redeemedByCode.get(code)?.length ?? 0;
    const redemptions = sum(shards, 'redeemed');
    if (redemptions !== completed)
      breaches.push(`promo code ${code}: ${redemptions} redemptions, ${completed} completed purchases`);
    if (shards.length !== PROMO_CODE_SHARDS)
      breaches.push(`promo code ${code}: ${shards.length} counter shards of ${PROMO_CODE_SHARDS}`);
    for (const shard of shards) {
      const name = `promo code ${code}, shard ${String(shard.shard)}`;
      const claimed = claimsByShard.get(`${code}#${String(shard.shard)}`)?.length ?? 0;
      const redeemed = redeemedByShard.get(`${code}#${String(shard.shard)}`)?.length ?? 0;
      if (Number(shard.claimed) !== claimed)
        breaches.push(`${name}: ${String(shard.claimed)} claimed, ${claimed} purchases hold or used it`);
      if (Number(shard.redeemed) !== redeemed)
        breaches.push(`${name}: ${String(shard.redeemed)} redeemed, ${redeemed} purchases completed with it`);
      if (shard.allotment !== undefined && Number(shard.claimed) > Number(shard.allotment))
        breaches.push(`${name}: ${String(shard.claimed)} claimed of ${String(shard.allotment)}`);
      if ((shard.allotment === undefined) !== (promo.maxRedemptions === undefined))
        breaches.push(
          `${name}: allotment ${String(shard.allotment)}, code limit ${String(promo.maxRedemptions)}`,
        );
    }
    if (promo.maxRedemptions !== undefined) {
      const allotted = sum(shards, 'allotment');
      if (allotted !== Number(promo.maxRedemptions))
        breaches.push(
          `promo code ${code}: shards allot ${allotted}, its limit is ${String(promo.maxRedemptions)}`,
        );
      if (sum(shards, 'claimed') > Number(promo.maxRedemptions))
        breaches.push(
          `promo code ${code}: ${sum(shards, 'claimed')} claimed of ${String(promo.maxRedemptions)}`,
        );
    }
    redeemedByCode.delete(code);
  }
  for (const code of redeemedByCode.keys())
    breaches.push(`purchases name promo code ${code}, which does not exist`);
  const claimsByCustomer = group(claimsOf, (item) => `${String(codeOf(item))}#${String(item.customerId)}`);
  for (const counter of ofKind('PROMO_REDEMPTIONS')) {
    const key = `${String(counter.code)}#${String(counter.customerId)}`;
    const claimed = claimsByCustomer.get(key)?.length ?? 0;
    if (Number(counter.claimed) !== claimed)
      breaches.push(
        `promo code ${String(counter.code)}, customer ${String(counter.customerId)}: ${String(counter.claimed)} claimed, ${claimed} purchases hold or used it`,
      );
  }

  const partsByRecord = group(audit.filter(isPartItem), (item) => String(item.PK));
  const records: StoredAuditRecord[] = [];
  for (const item of audit.filter(isRecordItem)) {
    try {
      records.push(recordFromItems(item, partsByRecord.get(partsPartition(String(item.id))) ?? []));
    } catch (error) {
      breaches.push(`audit record ${String(item.id)} unreadable: ${(error as Error).message}`);
    }
  }
  const recordsByEntity = group(records, (record) => `${record.entityType}#${record.entityId}`);
  const ids = new Set<string>();
  for (const record of records) {
    if (ids.has(record.id)) breaches.push(`audit record ${record.id} stored twice`);
    ids.add(record.id);
  }
  let auditedItems = 0;
  for (const item of main) {
    const expected = auditEntryFor({
      eventId: 'reconcile',
      sequenceNumber: '0',
      kind: 'INSERT',
      before: undefined,
      after: item,
      observedAt: '',
    });
    if (!expected) continue;
    auditedItems += 1;
    const name = `${expected.entityType} ${expected.entityId}`;
    const trail = (recordsByEntity.get(`${expected.entityType}#${expected.entityId}`) ?? []).sort(
      (a, b) => a.sequence - b.sequence,
    );
    if (trail.length === 0) breaches.push(`${name}: no audit record`);
    else if (canonicalJson(foldTrail(trail)) !== canonicalJson(expected.after))
      breaches.push(`${name}: audit trail does not fold to its current state`);
    if (IMMUTABLE.has(String(item.entity)) && trail.length > 1)
      breaches.push(`${name}: ${trail.length} audit records for one immutable item`);
    if (trail.some((record, index) => record.sequence !== index + 1))
      breaches.push(`${name}: audit sequence has gaps`);
    // Each write counted the item's version: a trail that stops short of it lost its last records.
    else if (trail.length > 0 && trail.length !== expected.sequence)
      breaches.push(
        `${name}: audit trail ends at ${trail.length}, the item is at version ${expected.sequence}`,
      );
  }

  const credit: CreditFigures = { outstandingCents: noCents(), expiredLastDayCents: noCents() };
  const ofCustomer = (items: Item[]): Map<string, Item[]> => group(items, (item) => String(item.customerId));
  const entriesOf = ofCustomer(ofKind('CREDIT_TRANSACTION'));
  const reservationsOf = ofCustomer(ofKind('RESERVATION'));
  const purchasesOf = ofCustomer(purchases);
  for (const account of accounts) {
    const customer = String(account.customerId);
    const trail = recordsByEntity.get(`CREDIT#${customer}`) ?? [];
    breaches.push(
      ...reconcileCustomerLots(
        {
          account,
          entries: entriesOf.get(customer) ?? [],
          reservations: reservationsOf.get(customer) ?? [],
          purchases: purchasesOf.get(customer) ?? [],
          trail: {
            images: trail.flatMap((record) => [record.before, record.after]),
            complete: trail.length >= Number(account.version),
          },
        },
        limits,
        credit,
      ),
    );
  }

  return {
    checked: {
      customers: accounts.length,
      purchases: purchases.length,
      promoCodes: promoCodes.length,
      auditedItems,
      auditRecords: records.length,
    },
    breaches,
    credit,
  };
}

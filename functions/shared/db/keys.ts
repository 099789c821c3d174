/**
 * Every key of the main table is built here, so the layout of the single table can be read in one
 * place (DESIGN.md has the access patterns).
 */

export interface ItemKey {
  PK: string;
  SK: string;
}

const SEQUENCE_DIGITS = 12;

/** Every item of one customer lives in this partition: account, ledger, operation markers. */
export const customerPartitionKey = (customerId: string): string => `CUSTOMER#${customerId}`;

export const LEDGER_ENTRY_PREFIX = 'TXN#';

/** The customer's balance: one item per customer. */
export const creditAccountKey = (customerId: string): ItemKey => ({
  PK: customerPartitionKey(customerId),
  SK: 'CREDIT',
});

/** GSI1 partition that lists every customer this service holds credit for. */
export const KNOWN_CUSTOMERS_PARTITION = 'CUSTOMERS';

/**
 * A ledger entry, keyed by its place in the account's entries (the account's `entryCount` after
 * it): places only grow, so entries sort by time, and two writers that read the same account
 * collide on this key as well as on the account.
 */
export const ledgerEntryKey = (customerId: string, sequence: number): ItemKey => ({
  PK: customerPartitionKey(customerId),
  SK: `${LEDGER_ENTRY_PREFIX}${String(sequence).padStart(SEQUENCE_DIGITS, '0')}`,
});

/**
 * Marks that a client operation (named by its idempotency key) has changed this customer's credit,
 * and points to the ledger entry it wrote. Written in the same transaction as the entry.
 */
export const creditOperationKey = (customerId: string, operationId: string): ItemKey => ({
  PK: customerPartitionKey(customerId),
  SK: `OPERATION#${operationId}`,
});

/** A purchase, its reservation and (later) its refunds share one partition. */
export const purchasePartitionKey = (purchaseId: string): string => `PURCHASE#${purchaseId}`;

export const purchaseKey = (purchaseId: string): ItemKey => ({
  PK: purchasePartitionKey(purchaseId),
  SK: 'PURCHASE',
});

/**
 * The credit a purchase holds while its saga runs. Keyed by the purchase id, so a retried Reserve
 * step finds its own reservation instead of holding the credit twice.
 */
export const reservationKey = (purchaseId: string): ItemKey => ({
  PK: purchasePartitionKey(purchaseId),
  SK: 'RESERVATION',
});

export const REFUND_PREFIX = 'REFUND#';

/** A refund, beside its purchase; refund ids are ULIDs, so a purchase's refunds sort by time. */
export const refundKey = (purchaseId: string, refundId: string): ItemKey => ({
  PK: purchasePartitionKey(purchaseId),
  SK: `${REFUND_PREFIX}${refundId}`,
});

/**
 * Write sharding. DynamoDB gives each partition key, of a table or of an index, at most 1,000 write
 * units a second, and cannot split a key whose sort keys only grow (ids, times). So an index
 * partition that every purchase writes is split into shards: the shard is a hash of the item's own
 * id, so a retried write lands where the first one did, and the listings merge the shards (see
 * sharded-page.ts). Each count below says the ceiling it buys at 1,000 units a second per shard,
 * measured by `npm run bench:scale` (DESIGN.md, "Scale").
 */
export function shardOf(id: string, shards: number): number {
  // FNV-1a (32 bits): stable across runtimes and versions, unlike anything built in.
  let hash = 0x811c9dc5;
  for (let index = 0; index < id.length; index++) {
    hash ^= id.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/** `prefix#nn` (three digits from 100 shards on): one shard of a partition. */
const sharded = (prefix: string, shard: number): string => `${prefix}#${String(shard).padStart(2, '0')}`;
const everyShard = (prefix: string, shards: number): string[] =>
  Array.from({ length: shards }, (_, shard) => sharded(prefix, shard));

/**
 * Index partitions. Purchases sort by id (a ULID, so by time) in each listing: GSI1 by customer,
 * GSI2 by product, GSI3 all of them. Reservations that are still open sort by age in GSI3, which
 * is how the sweeper finds the old ones without a scan.
 */
export const purchasesOfCustomerPartition = (customerId: string): string =>
  `PURCHASES#CUSTOMER#${customerId}`;

/**
 * GSI2, a product's purchases: 1 unit a purchase (a keys-only entry), all on one key when every
 * buyer wants the same product. 8 shards: 8,000 purchases/s of one product; a page reads 8 queries.
 */
export const PRODUCT_PURCHASE_SHARDS = 8;
export const purchasesOfProductPartition = (productId: string, purchaseId: string): string =>
  sharded(`PURCHASES#PRODUCT#${productId}`, shardOf(purchaseId, PRODUCT_PURCHASE_SHARDS));
export const purchasesOfProductPartitions = (productId: string): string[] =>
  everyShard(`PURCHASES#PRODUCT#${productId}`, PRODUCT_PURCHASE_SHARDS);

/** GSI3, all purchases: 1 unit a purchase. 32 shards: 32,000 purchases/s; a page reads 32 queries. */
export const ALL_PURCHASE_SHARDS = 32;
export const allPurchasesPartition = (purchaseId: string): string =>
  sharded('PURCHASES', shardOf(purchaseId, ALL_PURCHASE_SHARDS));
export const allPurchasesPartitions = (): string[] => everyShard('PURCHASES', ALL_PURCHASE_SHARDS);

/**
 * GSI3, open reservations by age: 2 units a purchase (the entry is added at Reserve and removed at
 * Commit or Release). 64 shards: 32,000 purchases/s; the sweeper reads the 64, 8 at a time, once
 * a minute. SHIPPING reservations whose saga died wait for a person in the review partition, out of
 * the sweep's way, in the same shard (a reservation is in one of the two while it is open).
 */
export const RESERVATION_SHARDS = 64;
export const openReservationsPartition = (purchaseId: string): string =>
  sharded('RESERVATIONS#OPEN', shardOf(purchaseId, RESERVATION_SHARDS));
export const openReservationsPartitions = (): string[] => everyShard('RESERVATIONS#OPEN', RESERVATION_SHARDS);
export const reservationsAwaitingReviewPartition = (purchaseId: string): string =>
  sharded('RESERVATIONS#REVIEW', shardOf(purchaseId, RESERVATION_SHARDS));
export const reservationsAwaitingReviewPartitions = (): string[] =>
  everyShard('RESERVATIONS#REVIEW', RESERVATION_SHARDS);

/**
 * GSI2, credit accounts by when their next lot falls due (`{expiresAt}#{customerId}`), for the
 * expiry run: an account is in it while one of its lots has a remainder and an expiry. Its entry
 * changes only when that time does (a grant with an earlier expiry, a lot spent out or expired),
 * not on every write of the account. 32 shards by customer: 16,000 such changes a second; a run
 * reads the 32.
 */
export const LOT_EXPIRY_SHARDS = 32;
export const lotsDuePartition = (customerId: string): string =>
  sharded('LOTS#DUE', shardOf(customerId, LOT_EXPIRY_SHARDS));
export const lotsDuePartitions = (): string[] => everyShard('LOTS#DUE', LOT_EXPIRY_SHARDS);

/**
 * The audit table's GSI1, records by entity type and time: 1 unit a record. Each type has shards in
 * proportion to the records a purchase makes of it (32 per record), so that every type's shard
 * takes about 1/32 of a unit a purchase: 32,000 purchases/s. A record's shard is a hash of its id
 * (its stream event, so a redelivered record lands where it did). A page of one type reads that
 * many queries, of all types 289. Promo codes change only by an admin's hand now: one partition.
 */
export const AUDIT_TYPE_SHARDS: Readonly<Record<string, number>> = {
  RESERVATION: 128, // created, SHIPPING, SHIPPED, COMMITTED
  CREDIT: 64, // the hold, the commit
  CREDIT_TRANSACTION: 32,
  PURCHASE: 32,
  REFUND: 32,
  PROMO_CODE: 1,
};
const auditShardsOf = (entityType: string): number => AUDIT_TYPE_SHARDS[entityType] ?? 1;
export const auditTypePartition = (entityType: string, recordId: string): string =>
  sharded(`TYPE#${entityType}`, shardOf(recordId, auditShardsOf(entityType)));
export const auditTypePartitions = (entityType: string): string[] =>
  everyShard(`TYPE#${entityType}`, auditShardsOf(entityType));

/**
 * The search snapshot of a customer (customers/customer-search.ts): the name and email as the service
 * last read them, in the customer's partition. Listed in GSI3 under one of the search shards, with a
 * sort key that is the normalized text itself, so a search reads keys only. The entry changes only
 * when a customer is first read or their name or email changes (never per purchase); 16 shards keep
 * even a bulk refresh of every customer (a run through the customer list) at 1/16 of the writes per
 * key, and a search reads 16 queries.
 */
export const customerSearchKey = (customerId: string): ItemKey => ({
  PK: customerPartitionKey(customerId),
  SK: 'SEARCH',
});
export const CUSTOMER_SEARCH_SHARDS = 16;
export const customerSearchPartition = (customerId: string): string =>
  sharded('CUSTOMER_SEARCH', shardOf(customerId, CUSTOMER_SEARCH_SHARDS));
export const customerSearchPartitions = (): string[] => everyShard('CUSTOMER_SEARCH', CUSTOMER_SEARCH_SHARDS);

/** The record that lets a retried HTTP request get its first answer back. */
export const idempotencyRecordKey = (keyHash: string): ItemKey => ({
  PK: `IDEMPOTENCY#${keyHash}`,
  SK: 'IDEMPOTENCY',
});

/** A promo code, by its upper-case text; codes are listed in GSI3, by code. */
export const promoCodeKey = (code: string): ItemKey => ({ PK: `PROMO#${code}`, SK: 'PROMO' });
export const ALL_PROMO_CODES_PARTITION = 'PROMO_CODES';

/**
 * A promo code's counts live in counter shards, each a partition of its own, never on the code:
 * a purchase claims from one shard at Reserve and redeems on it at Commit (2 + 2 units, in
 * transactions), so one code in a flash sale takes 4/32 of a unit per purchase on each shard:
 * 8,000 purchases/s of one code. Reading the code reads its 32 shards (one BatchGetItem). A limited
 * code splits `maxRedemptions` over them (`allotment`). Codes are [A-Z0-9_-], so `PROMO#{code}#nn`
 * can name no other code.
 */
export const PROMO_CODE_SHARDS = 32;
export const promoShardKey = (code: string, shard: number): ItemKey => ({
  PK: sharded(`PROMO#${code}`, shard),
  SK: 'PROMO_SHARD',
});
/** The shard a purchase claims from first (it moves on to others when that one is spent). */
export const promoShardOf = (purchaseId: string): number => shardOf(purchaseId, PROMO_CODE_SHARDS);

/**
 * How many of one customer's purchases hold or used a code (`maxRedemptionsPerCustomer`): in the
 * customer's partition, which only that customer's purchases write.
 */
export const promoCustomerKey = (code: string, customerId: string): ItemKey => ({
  PK: customerPartitionKey(customerId),
  SK: `PROMO#${code}`,
});

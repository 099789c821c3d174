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
 * A ledger entry, keyed by the account version it produced: versions only grow, so entries sort
 * by time, and two writers that read the same version collide on this key as well as on the account.
 */
export const ledgerEntryKey = (customerId: string, version: number): ItemKey => ({
  PK: customerPartitionKey(customerId),
  SK: `${LEDGER_ENTRY_PREFIX}${String(version).padStart(SEQUENCE_DIGITS, '0')}`,
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
 * Index partitions. Purchases sort by id (a ULID, so by time) in each listing: GSI1 by customer,
 * GSI2 by product, GSI3 all of them. Reservations that are still open sort by age in GSI3, which
 * is how the sweeper finds the old ones without a scan.
 */
export const purchasesOfCustomerPartition = (customerId: string): string =>
  `PURCHASES#CUSTOMER#${customerId}`;
export const purchasesOfProductPartition = (productId: string): string => `PURCHASES#PRODUCT#${productId}`;
export const ALL_PURCHASES_PARTITION = 'PURCHASES';
export const OPEN_RESERVATIONS_PARTITION = 'RESERVATIONS#OPEN';
/**
 * SHIPPING reservations whose saga died, by age: they wait for a person, out of the sweep's way
 * (GSI3 too; a reservation is in one of the two partitions while it is open).
 */
export const RESERVATIONS_AWAITING_REVIEW_PARTITION = 'RESERVATIONS#REVIEW';

/** The record that lets a retried HTTP request get its first answer back. */
export const idempotencyRecordKey = (keyHash: string): ItemKey => ({
  PK: `IDEMPOTENCY#${keyHash}`,
  SK: 'IDEMPOTENCY',
});

/** A promo code, by its upper-case text; codes are listed in GSI3, by code. */
export const promoCodeKey = (code: string): ItemKey => ({ PK: `PROMO#${code}`, SK: 'PROMO' });
export const ALL_PROMO_CODES_PARTITION = 'PROMO_CODES';

/** How many of one customer's purchases hold or used a code (`maxRedemptionsPerCustomer`). */
export const promoCustomerKey = (code: string, customerId: string): ItemKey => ({
  PK: `PROMO#${code}`,
  SK: `CUSTOMER#${customerId}`,
});

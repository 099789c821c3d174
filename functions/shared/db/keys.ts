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

/** The record that lets a retried HTTP request get its first answer back. */
export const idempotencyRecordKey = (keyHash: string): ItemKey => ({
  PK: `IDEMPOTENCY#${keyHash}`,
  SK: 'IDEMPOTENCY',
});

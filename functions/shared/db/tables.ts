import type { EnvironmentVariable } from '../../environment.ts';

/**
 * The DynamoDB tables, declared once. The CDK stack and the local runtime both build their tables
 * from these declarations, so a key or index cannot differ between AWS and a laptop.
 * Dependency-free on purpose: `infra/` imports it.
 */

export interface IndexDeclaration {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  /**
   * What the index keeps besides the keys: every attribute, none (a query then reads the items by
   * their keys), or the attributes listed. Every write of a projected attribute is a write of the
   * index too, so an index keeps what its queries need and no more.
   */
  readonly projection: 'ALL' | 'KEYS_ONLY' | readonly string[];
}

export interface TableDeclaration {
  /** Construct id in CDK, and the suffix of the local table name. */
  readonly id: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly globalSecondaryIndexes: readonly IndexDeclaration[];
  readonly timeToLiveAttribute?: string;
  readonly stream?: 'NEW_AND_OLD_IMAGES';
  /** The environment variable through which functions learn the table's name. */
  readonly nameVariable: EnvironmentVariable;
}

/** Single-table design: credit accounts, ledger entries, reservations, purchases, idempotency records. */
export const MAIN_TABLE = {
  id: 'MainTable',
  partitionKey: 'PK',
  sortKey: 'SK',
  globalSecondaryIndexes: [
    // GSI1: known customers; purchases by customer (with the product, for the by-both filter).
    { indexName: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK', projection: ['productId'] },
    // GSI2: purchases by product; credit accounts by when their next lot falls due (the expiry run).
    { indexName: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK', projection: 'KEYS_ONLY' },
    // GSI3: all purchases; open reservations by age (for the sweeper); promo codes; the customer
    // search snapshots.
    { indexName: 'GSI3', partitionKey: 'GSI3PK', sortKey: 'GSI3SK', projection: 'KEYS_ONLY' },
    // GSI4: a purchase (and its reservation) by shipment id, for the customer search. Sparse: only
    // items that carry a shipmentId are in it, each shipment its own partition.
    { indexName: 'GSI4', partitionKey: 'shipmentId', sortKey: 'SK', projection: ['customerId'] },
  ],
  timeToLiveAttribute: 'expiresAt',
  stream: 'NEW_AND_OLD_IMAGES',
  nameVariable: 'MAIN_TABLE_NAME',
} as const satisfies TableDeclaration;

/**
 * Append-only audit records, written only by the stream projector: by entity (PK, in sequence) and
 * by entity type and time of the change (GSI1, keys only: a listing reads the records by their keys).
 * All records, newest first, are the entity types' partitions merged (audit.repository.ts).
 */
export const AUDIT_TABLE = {
  id: 'AuditTable',
  partitionKey: 'PK',
  sortKey: 'SK',
  globalSecondaryIndexes: [
    { indexName: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK', projection: 'KEYS_ONLY' },
  ],
  nameVariable: 'AUDIT_TABLE_NAME',
} as const satisfies TableDeclaration;

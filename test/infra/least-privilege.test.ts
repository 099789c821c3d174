import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Template } from 'aws-cdk-lib/assertions';
import { ROUTES } from '../../functions/routes.ts';
import { AUDIT_TABLE, MAIN_TABLE } from '../../functions/shared/db/tables.ts';
import {
  AUDIT_PROJECTOR,
  LOT_EXPIRY,
  RECONCILER,
  RESERVATION_SWEEPER,
  SAGA_TASKS,
} from '../../functions/workers.ts';
import { actionsOf, logicalIdOf, mentions, type Statement, statementsOf, synthesize } from './synth.ts';

/**
 * What each function's code does to DynamoDB, written down by following its handler → use case →
 * repositories (transactions item by item: a Put is PutItem on its item, an Update UpdateItem, a
 * Delete DeleteItem, a ConditionCheck ConditionCheckItem), as `action on partition` pairs, with the
 * call that makes each. The test reads the synthesized template and fails on any pair it grants that
 * is not here, and on any pair here it does not grant.
 *
 * Why a table and not a recording: a recording of the client's commands shows only the paths a test
 * drives, and the pairs that matter most here are on paths tests rarely take (the idempotency
 * record's release after a failure, the operation marker read on a duplicate, the promo read on a
 * refused claim, the sweeper's three outcomes). A table written from the code names those paths,
 * reviews as a diff beside the code that changed, and is independent of the declaration it checks
 * (routes.ts / workers.ts): widening a grant fails here until someone says which call needs it.
 * `*` stands for "no dynamodb:LeadingKeys condition" (the reconciler's Scan, the audit table).
 */
/**
 * Every route that takes an Idempotency-Key: DynamoIdempotencyStore's claim (Put, then Get on a
 * conflict), complete (Update) and release (Delete).
 */
const IDEMPOTENCY_RECORDS = [
  'GetItem on IDEMPOTENCY#*',
  'PutItem on IDEMPOTENCY#*',
  'UpdateItem on IDEMPOTENCY#*',
  'DeleteItem on IDEMPOTENCY#*',
] as const;

const EXPECTED: Record<string, readonly string[]> = {
  GetCredit: ['GetItem on CUSTOMER#*'], // DynamoAccountReader.getAccount
  GrantCredit: [
    // changeCredit: getAccount, findEntryByOperation (marker, entry); appendEntry's transaction:
    // Update account, Put ledger entry, Put operation marker.
    'GetItem on CUSTOMER#*',
    'PutItem on CUSTOMER#*',
    'UpdateItem on CUSTOMER#*',
    ...IDEMPOTENCY_RECORDS,
  ],
  DeductCredit: [
    'GetItem on CUSTOMER#*',
    'PutItem on CUSTOMER#*',
    'UpdateItem on CUSTOMER#*',
    ...IDEMPOTENCY_RECORDS,
  ],
  ListCreditTransactions: ['Query on CUSTOMER#*'], // listEntries: pageOfPartition
  // listAccounts, getItems; refreshSearchSnapshot's conditional put per customer.
  ListCustomers: ['Query on index GSI1', 'BatchGetItem on CUSTOMER#*', 'PutItem on CUSTOMER#*'],
  GetCustomer: ['GetItem on CUSTOMER#*', 'PutItem on CUSTOMER#*'], // getAccount, refreshSearchSnapshot
  SearchCustomers: [
    // matching: the search shards of GSI3, then getItems; get (a customer id, a pointed-to customer);
    // customerOfPurchase: GetItem; customerOfShipment: Query of GSI4.
    'Query on index GSI3',
    'Query on index GSI4',
    'BatchGetItem on CUSTOMER#*',
    'GetItem on CUSTOMER#*',
    'GetItem on PURCHASE#*',
  ],
  GetProduct: [],
  CreatePurchase: [
    ...IDEMPOTENCY_RECORDS,
    'Query on PURCHASE#*', // DynamoPurchaseRepository.getPurchase, after the saga
  ],
  ListPurchases: [
    // listPurchases: one index per filter, then the page's purchases by key.
    'Query on index GSI1',
    'Query on index GSI2',
    'Query on index GSI3',
    'BatchGetItem on PURCHASE#*',
  ],
  GetPurchase: ['Query on PURCHASE#*'], // getPurchase reads the purchase with its refunds
  RefundPurchase: [
    // refundPurchase: getRefundable, getAccount, findRefundByOperation (marker, refund, purchase);
    // appendRefund's transaction: Update account, Put entry, Update purchase, Put refund, Put marker.
    'GetItem on CUSTOMER#*',
    'PutItem on CUSTOMER#*',
    'UpdateItem on CUSTOMER#*',
    'GetItem on PURCHASE#*',
    'PutItem on PURCHASE#*',
    'UpdateItem on PURCHASE#*',
    ...IDEMPOTENCY_RECORDS,
  ],
  ListRefunds: ['GetItem on PURCHASE#*', 'Query on PURCHASE#*'], // getRefundable, listRefunds
  CreatePromoCode: ['PutItem on PROMO#*'],
  ListPromoCodes: ['Query on index GSI3', 'BatchGetItem on PROMO#*'],
  // The code, then its counter shards (BatchGet), whose sums are its redemptions.
  GetPromoCode: ['GetItem on PROMO#*', 'BatchGetItem on PROMO#*'],
  // A new limit is spread over the counter shards as read (Get, BatchGet), each shard updated.
  UpdatePromoCode: ['GetItem on PROMO#*', 'BatchGetItem on PROMO#*', 'UpdateItem on PROMO#*'],
  ListAudit: ['Query on audit *', 'Query on audit index GSI1', 'BatchGetItem on audit *'],
  Health: ['GetItem on HEALTH'],
  GetOpenApiDocument: [],
  GetDocsPage: [],
  GetDocsAsset: [],
  RouteNotFound: [],
  ReserveCredit: [
    // The account read (the ledger picks the lots to hold); reserve's transaction: Update account
    // (the hold, in the lots), Put operation marker, Put reservation, Update promo code and the
    // customer's promo count; on refusal: Get marker, Get promo code.
    // The quote reads the promo code too. A duplicate's earlier reservation is read (Get) to answer
    // one held for review.
    'GetItem on CUSTOMER#*',
    'PutItem on CUSTOMER#*',
    'UpdateItem on CUSTOMER#*',
    'GetItem on PURCHASE#*',
    'PutItem on PURCHASE#*',
    'GetItem on PROMO#*',
    // The quote sums the code's counter shards; a claim that finds its shard spent reads them all.
    'BatchGetItem on PROMO#*',
    'UpdateItem on PROMO#*',
  ],
  // ship-purchase: markShipping / markShipped (Update), getReservation.
  CreateShipment: ['GetItem on PURCHASE#*', 'UpdateItem on PURCHASE#*'],
  CommitPurchase: [
    // commitPurchase: getReservation, getAccount, getPurchase (Query); commit's transaction: Update
    // account, Put entry, Update reservation, Put purchase, Update promo code (redeem).
    'GetItem on CUSTOMER#*',
    'PutItem on CUSTOMER#*',
    'UpdateItem on CUSTOMER#*',
    'GetItem on PURCHASE#*',
    'Query on PURCHASE#*',
    'PutItem on PURCHASE#*',
    'UpdateItem on PURCHASE#*',
    'UpdateItem on PROMO#*',
  ],
  ReleaseCredit: [
    // releaseCredit: getReservation, the account read; release's transaction: Update reservation,
    // Update account (the draws back to their lots), Put an EXPIRY entry when a lot expired
    // meanwhile, Update promo code and count, Delete the operation marker (the Idempotency-Key given back).
    'GetItem on CUSTOMER#*',
    'PutItem on CUSTOMER#*',
    'UpdateItem on CUSTOMER#*',
    'DeleteItem on CUSTOMER#*',
    'GetItem on PURCHASE#*',
    'UpdateItem on PURCHASE#*',
    'UpdateItem on PROMO#*',
  ],
  SweepReservations: [
    // listOpenReservations (GSI3, then by key); PENDING: releaseCredit; SHIPPED: commitPurchase;
    // SHIPPING: markAwaitingReview (Update). The union of Release's and Commit's pairs.
    'Query on index GSI3',
    'BatchGetItem on PURCHASE#*',
    'GetItem on CUSTOMER#*',
    'PutItem on CUSTOMER#*',
    'UpdateItem on CUSTOMER#*',
    'DeleteItem on CUSTOMER#*',
    'GetItem on PURCHASE#*',
    'Query on PURCHASE#*',
    'PutItem on PURCHASE#*',
    'UpdateItem on PURCHASE#*',
    'UpdateItem on PROMO#*',
  ],
  // append: a conditional Put (parts: Puts in one transaction); on a taken place, Get the record there.
  ProjectAudit: [
    'GetItem on audit *',
    'PutItem on audit *',
    // The event source mapping reads the main table's stream with the function's role.
    'DescribeStream on stream',
    'GetRecords on stream',
    'GetShardIterator on stream',
  ],
  ReconcileBooks: ['Scan on *', 'Scan on audit *'],
  ExpireLots: [
    // listDue (GSI2's shards); per account: Get, then a transaction of Update account and Put EXPIRY entries.
    'Query on index GSI2',
    'GetItem on CUSTOMER#*',
    'PutItem on CUSTOMER#*',
    'UpdateItem on CUSTOMER#*',
  ],
};

const FUNCTION_IDS = [
  ...ROUTES.map((route) => route.operationId),
  ...SAGA_TASKS.map((task) => task.id),
  RESERVATION_SWEEPER.id,
  AUDIT_PROJECTOR.id,
  RECONCILER.id,
  LOT_EXPIRY.id,
];

let template: Template;
let mainTableId: string;
let auditTableId: string;

beforeAll(() => {
  ({ template } = synthesize());
  mainTableId = logicalIdOf(template, 'AWS::DynamoDB::Table', MAIN_TABLE.id);
  auditTableId = logicalIdOf(template, 'AWS::DynamoDB::Table', AUDIT_TABLE.id);
});

const resourcesOf = (statement: Statement): unknown[] =>
  Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];

/** '' for the main table, 'audit ' for the audit table, undefined for anything else. */
const tableOf = (resource: unknown): string | undefined => {
  if (mentions(resource, mainTableId)) return '';
  if (mentions(resource, auditTableId)) return 'audit ';
  return undefined;
};

/** The `action on partition` pairs a function's role is allowed on either table, read from the template. */
function grantedPairs(id: string): string[] {
  const pairs = statementsOf(template, id)
    .filter((statement) => statement.Effect === 'Allow')
    .flatMap((statement) => {
      const keys = statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
      const partitions = keys === undefined ? ['*'] : (keys as string[]);
      return resourcesOf(statement).flatMap((resource) => {
        const table = tableOf(resource);
        if (table === undefined) return [];
        const arn = JSON.stringify(resource);
        const index = /\/index\/([^"]+)"/.exec(arn)?.[1];
        let places = partitions.map((partition) => `${table}${partition}`);
        if (index !== undefined) places = [`${table}index ${index}`];
        if (arn.includes('"StreamArn"')) places = [`${table}stream`];
        return actionsOf(statement)
          .filter((action) => action.startsWith('dynamodb:'))
          .flatMap((action) => places.map((place) => `${action.replace('dynamodb:', '')} on ${place}`));
      });
    });
  return [...new Set(pairs)].sort();
}

describe('least privilege on the tables', () => {
  it('lists every deployed function in the table of what its code does', () => {
    expect([...FUNCTION_IDS].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(FUNCTION_IDS)(
    'grants %s exactly the actions its code uses, on the partitions it uses them on',
    (id) => {
      expect({ id, pairs: grantedPairs(id) }).toEqual({ id, pairs: [...(EXPECTED[id] ?? [])].sort() });
    },
  );

  it('grants DeleteItem on the main table only on idempotency records, and to the two that give a marker back', () => {
    const deleters = FUNCTION_IDS.flatMap((id) =>
      grantedPairs(id)
        .filter((pair) => pair.startsWith('DeleteItem on ') && !pair.includes('audit'))
        .map((pair) => `${id}: ${pair}`),
    );

    expect(deleters.filter((entry) => !entry.endsWith('on IDEMPOTENCY#*')).sort()).toEqual([
      'ReleaseCredit: DeleteItem on CUSTOMER#*',
      'SweepReservations: DeleteItem on CUSTOMER#*',
    ]);
  });
});

/**
 * The HTTP API, declared once: the CDK stack makes one API Gateway route and one Lambda function per
 * entry, and the local runtime serves the same handler modules at the same paths.
 * Dependency-free on purpose: `infra/` imports it.
 */

import type { RouteAccess } from './auth/roles.ts';
import {
  customerPartitionKey,
  idempotencyRecordKey,
  promoCodeKey,
  purchasePartitionKey,
} from './shared/db/keys.ts';
import type { MAIN_TABLE } from './shared/db/tables.ts';

export type DynamoAction =
  | 'GetItem'
  | 'Query'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'ConditionCheckItem'
  | 'BatchGetItem';

/**
 * What a function does on the main table: for each partition (an IAM `StringLike` pattern over the
 * partition key, built by the key builders), the actions its code performs on items there, and only
 * those. Each entry is one IAM statement conditioned on `dynamodb:LeadingKeys` (infra/table-grants.ts),
 * so an action needed in one partition is not granted in another. A transaction's items count one by
 * one: its Put is PutItem on that item, its Update UpdateItem, its Delete DeleteItem, its
 * ConditionCheck ConditionCheckItem. test/infra/least-privilege.test.ts holds the calls behind each.
 */
export type MainTableAccess = Readonly<Record<string, readonly DynamoAction[]>>;

/** A main-table index a function queries (Query only: an index cannot be written). */
export type MainTableIndex = (typeof MAIN_TABLE)['globalSecondaryIndexes'][number]['indexName'];

export interface RouteDeclaration {
  /** Unique name: the Lambda function's construct id and the OpenAPI operationId. */
  readonly operationId: string;
  readonly method: 'GET' | 'POST' | 'PATCH' | 'ANY';
  /** API Gateway path template (`{name}` parameters), or `$default` for every unmatched request. */
  readonly path: string;
  /** Who may call it (auth/roles.ts): checked by the route's authentication middleware, and in AWS
   * by the JWT authorizer on every route that is not `public`. */
  readonly access: RouteAccess;
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  /** The actions its code uses on the main table, partition by partition. */
  readonly mainTable: MainTableAccess;
  /** The main-table indexes it queries. */
  readonly mainTableIndexes?: readonly MainTableIndex[];
  /** Actions on the audit table: reads only, for routes (only the projector may put). */
  readonly auditTable?: readonly Extract<DynamoAction, 'GetItem' | 'Query' | 'BatchGetItem'>[];
  /** Whether the function calls the external Customers/Products/Shipments API. */
  readonly externalApi: boolean;
  /** Whether the function runs the purchase saga (StartSyncExecution), and so waits for it. */
  readonly startsPurchaseSaga?: boolean;
  /** Lambda's timeout: under API Gateway's 30 s, and under the idempotency lock's 60 s. */
  readonly timeoutSeconds: number;
  /** Lambda's memory (MB), which also sets its CPU share; DEFAULT_MEMORY_MB unless measured otherwise. */
  readonly memoryMb?: number;
  /**
   * Files of npm packages the handler reads at cold start (`package/file`, resolved as Node resolves
   * them): the local runtime finds them in node_modules, and the CDK bundle copies them there.
   */
  readonly packageFiles?: readonly string[];
}

/**
 * Whether a route answers HEAD too, as its GET without the body (RFC 9110 wants HEAD wherever GET is):
 * an open GET does, so a monitor's `HEAD /health` is not refused for want of a token. Both builders
 * read it: CDK declares a HEAD route beside the GET, and the local API matches HEAD to the GET.
 */
export const answersHead = (route: RouteDeclaration): boolean =>
  route.method === 'GET' && route.access === 'public';

/**
 * Lambda's memory for a function that declares none. Every route and saga step spends its time
 * waiting on DynamoDB, the external API or the execution, not computing, so 256 MB (a sixth of a
 * vCPU) costs half of 512 for about the same duration; DESIGN.md (Cost) has the figures.
 */
export const DEFAULT_MEMORY_MB = 256;

/** Enough for a few DynamoDB calls and one external read, each with its own timeout. */
const ROUTE_TIMEOUT_SECONDS = 15;
/** The purchase waits for the saga (25 s at most) and then answers. */
const PURCHASE_ROUTE_TIMEOUT_SECONDS = 28;

/** Main-table partitions, built by the key builders so that they cannot drift from them. */
export const CUSTOMER_ITEMS = customerPartitionKey('*');
export const PURCHASE_ITEMS = purchasePartitionKey('*');
export const IDEMPOTENCY_RECORDS = idempotencyRecordKey('*').PK;
/** A promo code and its counter shards (`PROMO#{code}#nn`); a customer's count of a code is in CUSTOMER_ITEMS. */
export const PROMO_CODE_ITEMS = promoCodeKey('*').PK;
/** The one item the health check reads (ops/health.http.ts); it never exists. */
const HEALTH_ITEM = 'HEALTH';
/** Swagger UI's browser files (and its licence), served by `GET /docs/{asset}`. */
const SWAGGER_UI_FILES = [
  'swagger-ui-dist/swagger-ui-bundle.js',
  'swagger-ui-dist/swagger-ui.css',
  'swagger-ui-dist/LICENSE',
  'swagger-ui-dist/NOTICE',
] as const;

/**
 * An Idempotency-Key's record (http/idempotency.store.ts): claimed by a conditional put, read when the
 * claim fails, completed by an update, released by a delete. The only item any route deletes.
 */
const IDEMPOTENCY_RECORD: readonly DynamoAction[] = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'];
/**
 * A balance change (ledger/ledger-writes.ts): the account read, then one transaction that updates it
 * and puts the ledger entry and the operation marker (read back on a retried key).
 */
const LEDGER_WRITE: readonly DynamoAction[] = ['GetItem', 'PutItem', 'UpdateItem'];

export const ROUTES = [
  {
    operationId: 'GetCredit',
    method: 'GET',
    path: '/v1/customers/{customerId}/credit',
    access: 'read',
    entry: 'functions/credit/get-credit.http.ts',
    mainTable: { [CUSTOMER_ITEMS]: ['GetItem'] },
    externalApi: true,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'GrantCredit',
    method: 'POST',
    path: '/v1/customers/{customerId}/credit/grants',
    access: 'manage-credit',
    entry: 'functions/credit/grant-credit.http.ts',
    mainTable: { [CUSTOMER_ITEMS]: LEDGER_WRITE, [IDEMPOTENCY_RECORDS]: IDEMPOTENCY_RECORD },
    externalApi: true,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'DeductCredit',
    method: 'POST',
    path: '/v1/customers/{customerId}/credit/deductions',
    access: 'manage-credit',
    entry: 'functions/credit/deduct-credit.http.ts',
    mainTable: { [CUSTOMER_ITEMS]: LEDGER_WRITE, [IDEMPOTENCY_RECORDS]: IDEMPOTENCY_RECORD },
    externalApi: true,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'ListCreditTransactions',
    method: 'GET',
    path: '/v1/customers/{customerId}/credit/transactions',
    access: 'read',
    entry: 'functions/credit/list-credit-transactions.http.ts',
    mainTable: { [CUSTOMER_ITEMS]: ['Query'] },
    externalApi: true,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'ListCustomers',
    method: 'GET',
    path: '/v1/customers',
    access: 'read',
    entry: 'functions/customers/list-customers.http.ts',
    // One Query of GSI1 per page, then the accounts by their keys; each customer's search snapshot put.
    mainTable: { [CUSTOMER_ITEMS]: ['BatchGetItem', 'PutItem'] },
    mainTableIndexes: ['GSI1'],
    externalApi: true,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'GetCustomer',
    method: 'GET',
    path: '/v1/customers/{customerId}',
    access: 'read',
    entry: 'functions/customers/get-customer.http.ts',
    // The account, and the customer's search snapshot put.
    mainTable: { [CUSTOMER_ITEMS]: ['GetItem', 'PutItem'] },
    externalApi: true,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'SearchCustomers',
    method: 'GET',
    path: '/v1/search/customers',
    access: 'read',
    entry: 'functions/customers/search-customers.http.ts',
    // Snapshots: GSI3's search shards, then the page's snapshots by key (and one by id); the
    // purchase by id; the shipment's purchase in GSI4.
    mainTable: { [CUSTOMER_ITEMS]: ['GetItem', 'BatchGetItem'], [PURCHASE_ITEMS]: ['GetItem'] },
    mainTableIndexes: ['GSI3', 'GSI4'],
    externalApi: false,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'GetProduct',
    method: 'GET',
    path: '/v1/products/{productId}',
    access: 'read',
    entry: 'functions/products/get-product.http.ts',
    mainTable: {},
    externalApi: true,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'CreatePurchase',
    method: 'POST',
    path: '/v1/purchases',
    access: 'purchase',
    entry: 'functions/purchases/create-purchase.http.ts',
    // The idempotency record, and the purchase read when the saga's output does not carry it.
    mainTable: { [IDEMPOTENCY_RECORDS]: IDEMPOTENCY_RECORD, [PURCHASE_ITEMS]: ['Query'] },
    externalApi: false,
    startsPurchaseSaga: true,
    timeoutSeconds: PURCHASE_ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'ListPurchases',
    method: 'GET',
    path: '/v1/purchases',
    access: 'read',
    entry: 'functions/purchases/list-purchases.http.ts',
    mainTable: { [PURCHASE_ITEMS]: ['BatchGetItem'] },
    mainTableIndexes: ['GSI1', 'GSI2', 'GSI3'],
    externalApi: false,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'GetPurchase',
    method: 'GET',
    path: '/v1/purchases/{purchaseId}',
    access: 'read',
    entry: 'functions/purchases/get-purchase.http.ts',
    mainTable: { [PURCHASE_ITEMS]: ['Query'] },
    externalApi: false,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'RefundPurchase',
    method: 'POST',
    path: '/v1/purchases/{purchaseId}/refunds',
    access: 'refund',
    entry: 'functions/refunds/refund-purchase.http.ts',
    mainTable: {
      [CUSTOMER_ITEMS]: LEDGER_WRITE,
      // The purchase read and updated, the refund put (and read back on a retried key).
      [PURCHASE_ITEMS]: ['GetItem', 'PutItem', 'UpdateItem'],
      [IDEMPOTENCY_RECORDS]: IDEMPOTENCY_RECORD,
    },
    externalApi: false,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'ListRefunds',
    method: 'GET',
    path: '/v1/purchases/{purchaseId}/refunds',
    access: 'read',
    entry: 'functions/refunds/list-refunds.http.ts',
    mainTable: { [PURCHASE_ITEMS]: ['GetItem', 'Query'] },
    externalApi: false,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'CreatePromoCode',
    method: 'POST',
    path: '/v1/promo-codes',
    access: 'manage-promo-codes',
    entry: 'functions/promo-codes/create-promo-code.http.ts',
    mainTable: { [PROMO_CODE_ITEMS]: ['PutItem'] },
    externalApi: false,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'ListPromoCodes',
    method: 'GET',
    path: '/v1/promo-codes',
    access: 'read',
    entry: 'functions/promo-codes/list-promo-codes.http.ts',
    mainTable: { [PROMO_CODE_ITEMS]: ['BatchGetItem'] },
    mainTableIndexes: ['GSI3'],
    externalApi: false,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'GetPromoCode',
    method: 'GET',
    path: '/v1/promo-codes/{code}',
    access: 'read',
    entry: 'functions/promo-codes/get-promo-code.http.ts',
    // The code, then its counter shards (their sums are its redemptions).
    mainTable: { [PROMO_CODE_ITEMS]: ['GetItem', 'BatchGetItem'] },
    externalApi: false,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'UpdatePromoCode',
    method: 'PATCH',
    path: '/v1/promo-codes/{code}',
    access: 'manage-promo-codes',
    entry: 'functions/promo-codes/update-promo-code.http.ts',
    // A new limit is spread over the counter shards as read (what each has claimed).
    mainTable: { [PROMO_CODE_ITEMS]: ['GetItem', 'BatchGetItem', 'UpdateItem'] },
    externalApi: false,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'ListAudit',
    method: 'GET',
    path: '/v1/audit',
    access: 'read',
    entry: 'functions/audit/list-audit.http.ts',
    mainTable: {},
    auditTable: ['Query', 'BatchGetItem'],
    externalApi: false,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'Health',
    method: 'GET',
    path: '/health',
    access: 'public',
    entry: 'functions/ops/health.http.ts',
    mainTable: { [HEALTH_ITEM]: ['GetItem'] },
    externalApi: false,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'GetOpenApiDocument',
    method: 'GET',
    path: '/openapi.json',
    access: 'public',
    entry: 'functions/docs/get-openapi-document.http.ts',
    mainTable: {},
    externalApi: false,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'GetDocsPage',
    method: 'GET',
    path: '/docs',
    access: 'public',
    entry: 'functions/docs/get-docs-page.http.ts',
    mainTable: {},
    externalApi: false,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'GetDocsAsset',
    method: 'GET',
    path: '/docs/{asset}',
    access: 'public',
    entry: 'functions/docs/get-docs-asset.http.ts',
    mainTable: {},
    externalApi: false,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
    packageFiles: SWAGGER_UI_FILES,
  },
  {
    operationId: 'RouteNotFound',
    method: 'ANY',
    path: '$default',
    access: 'authenticated',
    entry: 'functions/ops/route-not-found.http.ts',
    mainTable: {},
    externalApi: false,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
] as const satisfies readonly RouteDeclaration[];

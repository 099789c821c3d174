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

export type DynamoAction =
  | 'GetItem'
  | 'Query'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'ConditionCheckItem'
  | 'BatchGetItem';

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
  /** DynamoDB actions the function needs on the main table (and its indexes). */
  readonly mainTable: readonly DynamoAction[];
  /**
   * The main-table partitions it reads or writes, as IAM `StringLike` patterns: its grant is
   * conditioned on `dynamodb:LeadingKeys` matching them (infra/table-grants.ts says what that covers).
   * Every function with `mainTable` actions declares them (an infra test checks).
   */
  readonly mainTableKeys?: readonly string[];
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
const IDEMPOTENCY_RECORDS = idempotencyRecordKey('*').PK;
/** A promo code and its per-customer redemption counts share the code's partition. */
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

const READ: readonly DynamoAction[] = ['GetItem', 'Query'];
/** A listing: the keys from an index (which keeps keys only), then the items by them. */
const LIST: readonly DynamoAction[] = ['GetItem', 'Query', 'BatchGetItem'];
const LEDGER_WRITE: readonly DynamoAction[] = ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'];

export const ROUTES = [
  {
    operationId: 'GetCredit',
    method: 'GET',
    path: '/v1/customers/{customerId}/credit',
    access: 'read',
    entry: 'functions/credit/get-credit.http.ts',
    mainTable: READ,
    mainTableKeys: [CUSTOMER_ITEMS],
    externalApi: true,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'GrantCredit',
    method: 'POST',
    path: '/v1/customers/{customerId}/credit/grants',
    access: 'manage-credit',
    entry: 'functions/credit/grant-credit.http.ts',
    mainTable: LEDGER_WRITE,
    mainTableKeys: [CUSTOMER_ITEMS, IDEMPOTENCY_RECORDS],
    externalApi: true,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'DeductCredit',
    method: 'POST',
    path: '/v1/customers/{customerId}/credit/deductions',
    access: 'manage-credit',
    entry: 'functions/credit/deduct-credit.http.ts',
    mainTable: LEDGER_WRITE,
    mainTableKeys: [CUSTOMER_ITEMS, IDEMPOTENCY_RECORDS],
    externalApi: true,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'ListCreditTransactions',
    method: 'GET',
    path: '/v1/customers/{customerId}/credit/transactions',
    access: 'read',
    entry: 'functions/credit/list-credit-transactions.http.ts',
    mainTable: READ,
    mainTableKeys: [CUSTOMER_ITEMS],
    externalApi: true,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'ListCustomers',
    method: 'GET',
    path: '/v1/customers',
    access: 'read',
    entry: 'functions/customers/list-customers.http.ts',
    // One Query of GSI1 per page (the index grant), then the accounts by their keys.
    mainTable: ['Query', 'BatchGetItem'],
    mainTableKeys: [CUSTOMER_ITEMS],
    externalApi: true,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'GetCustomer',
    method: 'GET',
    path: '/v1/customers/{customerId}',
    access: 'read',
    entry: 'functions/customers/get-customer.http.ts',
    mainTable: READ,
    mainTableKeys: [CUSTOMER_ITEMS],
    externalApi: true,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'GetProduct',
    method: 'GET',
    path: '/v1/products/{productId}',
    access: 'read',
    entry: 'functions/products/get-product.http.ts',
    mainTable: [],
    externalApi: true,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'CreatePurchase',
    method: 'POST',
    path: '/v1/purchases',
    access: 'purchase',
    entry: 'functions/purchases/create-purchase.http.ts',
    // The idempotency record, and the purchase an Idempotency-Key already made.
    mainTable: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
    mainTableKeys: [PURCHASE_ITEMS, IDEMPOTENCY_RECORDS],
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
    mainTable: LIST,
    mainTableKeys: [PURCHASE_ITEMS],
    externalApi: false,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'GetPurchase',
    method: 'GET',
    path: '/v1/purchases/{purchaseId}',
    access: 'read',
    entry: 'functions/purchases/get-purchase.http.ts',
    mainTable: READ,
    mainTableKeys: [PURCHASE_ITEMS],
    externalApi: false,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'RefundPurchase',
    method: 'POST',
    path: '/v1/purchases/{purchaseId}/refunds',
    access: 'refund',
    entry: 'functions/refunds/refund-purchase.http.ts',
    mainTable: LEDGER_WRITE,
    mainTableKeys: [PURCHASE_ITEMS, CUSTOMER_ITEMS, IDEMPOTENCY_RECORDS],
    externalApi: false,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'ListRefunds',
    method: 'GET',
    path: '/v1/purchases/{purchaseId}/refunds',
    access: 'read',
    entry: 'functions/refunds/list-refunds.http.ts',
    mainTable: READ,
    mainTableKeys: [PURCHASE_ITEMS],
    externalApi: false,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'CreatePromoCode',
    method: 'POST',
    path: '/v1/promo-codes',
    access: 'manage-promo-codes',
    entry: 'functions/promo-codes/create-promo-code.http.ts',
    mainTable: ['PutItem'],
    mainTableKeys: [PROMO_CODE_ITEMS],
    externalApi: false,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'ListPromoCodes',
    method: 'GET',
    path: '/v1/promo-codes',
    access: 'read',
    entry: 'functions/promo-codes/list-promo-codes.http.ts',
    mainTable: ['Query', 'BatchGetItem'],
    mainTableKeys: [PROMO_CODE_ITEMS],
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
    mainTable: ['GetItem', 'BatchGetItem'],
    mainTableKeys: [PROMO_CODE_ITEMS],
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
    mainTable: ['GetItem', 'BatchGetItem', 'UpdateItem'],
    mainTableKeys: [PROMO_CODE_ITEMS],
    externalApi: false,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'ListAudit',
    method: 'GET',
    path: '/v1/audit',
    access: 'read',
    entry: 'functions/audit/list-audit.http.ts',
    mainTable: [],
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
    mainTable: ['GetItem'],
    mainTableKeys: [HEALTH_ITEM],
    externalApi: false,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'GetOpenApiDocument',
    method: 'GET',
    path: '/openapi.json',
    access: 'public',
    entry: 'functions/docs/get-openapi-document.http.ts',
    mainTable: [],
    externalApi: false,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'GetDocsPage',
    method: 'GET',
    path: '/docs',
    access: 'public',
    entry: 'functions/docs/get-docs-page.http.ts',
    mainTable: [],
    externalApi: false,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
  {
    operationId: 'GetDocsAsset',
    method: 'GET',
    path: '/docs/{asset}',
    access: 'public',
    entry: 'functions/docs/get-docs-asset.http.ts',
    mainTable: [],
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
    mainTable: [],
    externalApi: false,
    timeoutSeconds: ROUTE_TIMEOUT_SECONDS,
  },
] as const satisfies readonly RouteDeclaration[];

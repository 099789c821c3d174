import type * as z from 'zod';
import type { ErrorCode } from '#shared/errors.ts';
import { AddressSchema } from '#shared/external/external-api.schemas.ts';
import { PageQuerySchema } from '#shared/pagination.ts';
import { AuditRecordSchema, ListAuditQuerySchema } from '../audit/audit.schemas.ts';
import { AUDIT_IMAGE_COMPONENTS } from '../audit/audit-images.ts';
import {
  CreditChangeRequestSchema,
  CreditChangeResponseSchema,
  CreditSchema,
  CreditTransactionSchema,
  CustomerPathSchema,
  GrantCreditRequestSchema,
} from '../credit/credit.schemas.ts';
import {
  CustomerPageSchema,
  CustomerSearchHitSchema,
  CustomerSearchPageSchema,
  CustomerViewSchema,
  ListCustomersQuerySchema,
  SearchCustomersQuerySchema,
} from '../customers/customer.schemas.ts';
import { ProductPathSchema, ProductViewSchema } from '../products/product.schemas.ts';
import {
  CreatePromoCodeRequestSchema,
  ListPromoCodesQuerySchema,
  PromoCodePathSchema,
  PromoCodeSchema,
  UpdatePromoCodeRequestSchema,
} from '../promo-codes/promo-code.schemas.ts';
import {
  CreatePurchaseRequestSchema,
  CustomerSnapshotSchema,
  ListPurchasesQuerySchema,
  ProductSnapshotSchema,
  PurchasePathSchema,
  PurchaseSchema,
  PurchaseWithRefundsSchema,
  RefundSchema,
} from '../purchases/purchase.schemas.ts';
import { RefundRequestSchema, RefundResponseSchema } from '../refunds/refund.schemas.ts';
import type { ROUTES } from '../routes.ts';
import { HealthSchema, pageSchema } from './answer.schemas.ts';
import { DocsAssetPathSchema } from './docs-assets.ts';

/** Every route but API Gateway's `$default` catch-all is an operation of the document. */
export type DocumentedRoute = Exclude<(typeof ROUTES)[number], { path: '$default' }>;
export type DocumentedOperationId = DocumentedRoute['operationId'];

export const TAGS = {
  Credit: 'Customer credit: balances, grants, deductions and the ledger.',
  Purchases: 'Purchases: bought with credit, shipped by the external Shipments API.',
  Refunds: 'Refunds of purchases, back to credit.',
  Customers: 'Customers and products as the external API has them (cached up to 30 s), with their credit.',
  PromoCodes: 'Promo codes: discounts applied at purchase, with their redemption limits.',
  Audit: 'Every change of every stored entity.',
  Operations: 'Health, and this document.',
} as const;
export type Tag = keyof typeof TAGS;

interface JsonSuccess {
  status: 200 | 201;
  description: string;
  schema: z.ZodType;
}

/** An answer that is a file, not JSON (the docs page and its assets). */
interface FileSuccess {
  status: 200;
  description: string;
  contentTypes: readonly string[];
}

export interface OperationDoc {
  summary: string;
  description?: string;
  tag: Tag;
  /** The same schemas the route's handler gives `httpRoute`. */
  params?: z.ZodObject;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The route honours `Idempotency-Key` (409 REQUEST_IN_PROGRESS, 422 IDEMPOTENCY_KEY_REUSED). */
  idempotent?: true;
  success: JsonSuccess | FileSuccess;
  /** Codes this route can answer beyond those every route can (openapi.ts: `COMMON_ERRORS`). */
  errors?: readonly ErrorCode[];
}

/** The external API's failures, for routes that read it. */
const UPSTREAM: readonly ErrorCode[] = ['UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'];

const CreditTransactionPageSchema = pageSchema(CreditTransactionSchema);
const PurchasePageSchema = pageSchema(PurchaseSchema);
const RefundPageSchema = pageSchema(RefundSchema);
const AuditRecordPageSchema = pageSchema(AuditRecordSchema);
const PromoCodePageSchema = pageSchema(PromoCodeSchema);

/** Named schemas, shown once under `components.schemas` and referred to from each operation. */
export const ANSWER_COMPONENTS: ReadonlyMap<string, z.ZodType> = new Map<string, z.ZodType>([
  ['Credit', CreditSchema],
  ['CreditTransaction', CreditTransactionSchema],
  ['CreditTransactionPage', CreditTransactionPageSchema],
  ['CreditChange', CreditChangeResponseSchema],
  ['Address', AddressSchema],
  ['ProductSnapshot', ProductSnapshotSchema],
  ['CustomerSnapshot', CustomerSnapshotSchema],
  ['Purchase', PurchaseSchema],
  ['PurchaseWithRefunds', PurchaseWithRefundsSchema],
  ['PurchasePage', PurchasePageSchema],
  ['Refund', RefundSchema],
  ['RefundPage', RefundPageSchema],
  ['RefundResult', RefundResponseSchema],
  ['AuditRecord', AuditRecordSchema],
  ['AuditRecordPage', AuditRecordPageSchema],
  ...AUDIT_IMAGE_COMPONENTS,
  ['CustomerView', CustomerViewSchema],
  ['CustomerPage', CustomerPageSchema],
  ['CustomerSearchHit', CustomerSearchHitSchema],
  ['CustomerSearchPage', CustomerSearchPageSchema],
  ['ProductView', ProductViewSchema],
  ['PromoCode', PromoCodeSchema],
  ['PromoCodePage', PromoCodePageSchema],
  ['Health', HealthSchema],
]);

export const REQUEST_COMPONENTS: ReadonlyMap<string, z.ZodType> = new Map<string, z.ZodType>([
  ['CreditChangeRequest', CreditChangeRequestSchema],
  ['GrantCreditRequest', GrantCreditRequestSchema],
  ['CreatePurchaseRequest', CreatePurchaseRequestSchema],
  ['RefundRequest', RefundRequestSchema],
  ['CreatePromoCodeRequest', CreatePromoCodeRequestSchema],
  ['UpdatePromoCodeRequest', UpdatePromoCodeRequestSchema],
]);

/**
 * What the document says of each route, beyond what routes.ts declares. Typed over every
 * operationId of the route table: a route without its documentation does not compile.
 */
export const OPERATIONS: Record<DocumentedOperationId, OperationDoc> = {
  GetCredit: {
    summary: "A customer's credit",
    description: 'Zeros for a customer the external API knows and who has no history yet.',
    tag: 'Credit',
    params: CustomerPathSchema,
    success: { status: 200, description: 'The credit', schema: CreditSchema },
    errors: ['CUSTOMER_NOT_FOUND', ...UPSTREAM],
  },
  GrantCredit: {
    summary: 'Grant credit',
    description:
      'Each grant makes a lot with a category and an optional expiry; it may join an open lot of its category ' +
      'that expires on the same UTC day, no later than asked (or, without an expiry, the one that never expires). ' +
      '422 BALANCE_LIMIT_EXCEEDED when the balance would pass the largest exact amount, or the account would keep ' +
      'more than 400 lots (details `lots`, `maxLots`).',
    tag: 'Credit',
    params: CustomerPathSchema,
    body: GrantCreditRequestSchema,
    idempotent: true,
    success: {
      status: 201,
      description: 'The ledger entry and the credit after it',
      schema: CreditChangeResponseSchema,
    },
    errors: ['CUSTOMER_NOT_FOUND', 'BALANCE_LIMIT_EXCEEDED', 'CONFLICT', ...UPSTREAM],
  },
  DeductCredit: {
    summary: 'Deduct credit',
    description:
      'Drawn from the open lots, soonest-expiring first (PROMOTIONAL before PAID at equal expiry, then the oldest); ' +
      'the entry says how much from each lot. 422 INSUFFICIENT_CREDIT when the open lots hold less than the amount ' +
      '(a lot past its expiry is not spendable, even before its EXPIRY entry is written).',
    tag: 'Credit',
    params: CustomerPathSchema,
    body: CreditChangeRequestSchema,
    idempotent: true,
    success: {
      status: 201,
      description: 'The ledger entry and the credit after it',
      schema: CreditChangeResponseSchema,
    },
    errors: ['CUSTOMER_NOT_FOUND', 'INSUFFICIENT_CREDIT', 'CONFLICT', ...UPSTREAM],
  },
  ListCreditTransactions: {
    summary: "A customer's ledger, newest first",
    tag: 'Credit',
    params: CustomerPathSchema,
    query: PageQuerySchema,
    success: { status: 200, description: 'A page of ledger entries', schema: CreditTransactionPageSchema },
    errors: ['CUSTOMER_NOT_FOUND', ...UPSTREAM],
  },
  ListCustomers: {
    summary: 'The customers this service holds credit for, by id',
    tag: 'Customers',
    query: ListCustomersQuerySchema,
    success: {
      status: 200,
      description: 'A page of customers with their credit',
      schema: CustomerPageSchema,
    },
    errors: UPSTREAM,
  },
  GetCustomer: {
    summary: 'A customer, with their credit',
    tag: 'Customers',
    params: CustomerPathSchema,
    success: { status: 200, description: 'The customer', schema: CustomerViewSchema },
    errors: ['CUSTOMER_NOT_FOUND', ...UPSTREAM],
  },
  SearchCustomers: {
    summary: 'Find customers by name, email, or a customer, purchase or shipment id',
    description:
      'Names and emails match in any case and without accents, by any part ("jo", "doe", "example.com"), ' +
      'ordered by name. They come from a search snapshot the service keeps of every customer its customer ' +
      'routes (GET /v1/customers, GET /v1/customers/{customerId}) have read: a customer changed in the ' +
      'external API is found under the new name or email once one of those routes has read them again ' +
      '(it reads through a cache of at most 30 s), and a customer no customer route has read yet is found ' +
      'only by id. Ids match exactly and are never stale; on the first page they come first, with ' +
      'matchedBy saying which id matched. A search reads every snapshot that does not match, so it costs ' +
      'in proportion to the customers the service knows.',
    tag: 'Customers',
    query: SearchCustomersQuerySchema,
    success: { status: 200, description: 'A page of matching customers', schema: CustomerSearchPageSchema },
  },
  GetProduct: {
    summary: 'A product, priced in cents',
    tag: 'Customers',
    params: ProductPathSchema,
    success: { status: 200, description: 'The product', schema: ProductViewSchema },
    errors: ['PRODUCT_NOT_FOUND', ...UPSTREAM],
  },
  CreatePromoCode: {
    summary: 'Create a promo code (admin)',
    description: 'Codes are stored upper-case and matched in any case; an existing code is 409 CONFLICT.',
    tag: 'PromoCodes',
    body: CreatePromoCodeRequestSchema,
    success: { status: 201, description: 'The promo code', schema: PromoCodeSchema },
    errors: ['CONFLICT'],
  },
  ListPromoCodes: {
    summary: 'Promo codes, by code',
    tag: 'PromoCodes',
    query: ListPromoCodesQuerySchema,
    success: { status: 200, description: 'A page of promo codes', schema: PromoCodePageSchema },
  },
  GetPromoCode: {
    summary: 'A promo code, with its redemptions so far',
    tag: 'PromoCodes',
    params: PromoCodePathSchema,
    success: { status: 200, description: 'The promo code', schema: PromoCodeSchema },
    errors: ['PROMO_CODE_NOT_FOUND'],
  },
  UpdatePromoCode: {
    summary: 'Deactivate a promo code, or change its end or limit (admin)',
    description:
      'A maxRedemptions below what is already claimed (completed purchases and those in flight) is ' +
      '409 CONFLICT with details.claimed, and changes nothing.',
    tag: 'PromoCodes',
    params: PromoCodePathSchema,
    body: UpdatePromoCodeRequestSchema,
    success: { status: 200, description: 'The promo code', schema: PromoCodeSchema },
    errors: ['PROMO_CODE_NOT_FOUND', 'CONFLICT'],
  },
  CreatePurchase: {
    summary: 'Buy a product with credit',
    description:
      'Reads the customer and the product from the external API, holds the credit, ships, and only then ' +
      'saves the purchase and takes the credit. A failed or timed-out shipment (502 SHIPMENT_FAILED, ' +
      '504 UPSTREAM_TIMEOUT) saves nothing and takes nothing.',
    tag: 'Purchases',
    body: CreatePurchaseRequestSchema,
    idempotent: true,
    success: { status: 201, description: 'The purchase', schema: PurchaseSchema },
    errors: [
      'CUSTOMER_NOT_FOUND',
      'PRODUCT_NOT_FOUND',
      'CONFLICT',
      'INSUFFICIENT_CREDIT',
      'PROMO_CODE_INVALID',
      'SHIPMENT_FAILED',
      ...UPSTREAM,
    ],
  },
  ListPurchases: {
    summary: 'Purchases, newest first',
    tag: 'Purchases',
    query: ListPurchasesQuerySchema,
    success: { status: 200, description: 'A page of purchases', schema: PurchasePageSchema },
  },
  GetPurchase: {
    summary: 'A purchase, with its refunds',
    tag: 'Purchases',
    params: PurchasePathSchema,
    success: {
      status: 200,
      description: 'The purchase, with its refunds',
      schema: PurchaseWithRefundsSchema,
    },
    errors: ['PURCHASE_NOT_FOUND'],
  },
  RefundPurchase: {
    summary: 'Refund a purchase, by amount or by quantity',
    description: 'Neither amountCents nor quantity refunds all that remains.',
    tag: 'Refunds',
    params: PurchasePathSchema,
    body: RefundRequestSchema,
    idempotent: true,
    success: {
      status: 201,
      description: 'The refund and the purchase after it',
      schema: RefundResponseSchema,
    },
    errors: [
      'PURCHASE_NOT_FOUND',
      'CONFLICT',
      'REFUND_EXCEEDS_REMAINING',
      'PURCHASE_NOT_REFUNDABLE',
      'BALANCE_LIMIT_EXCEEDED',
    ],
  },
  ListRefunds: {
    summary: "A purchase's refunds, newest first",
    tag: 'Refunds',
    params: PurchasePathSchema,
    query: PageQuerySchema,
    success: { status: 200, description: 'A page of refunds', schema: RefundPageSchema },
    errors: ['PURCHASE_NOT_FOUND'],
  },
  ListAudit: {
    summary: 'The audit trail, newest first',
    tag: 'Audit',
    query: ListAuditQuerySchema,
    success: { status: 200, description: 'A page of audit records', schema: AuditRecordPageSchema },
  },
  Health: {
    summary: 'Whether the service answers',
    tag: 'Operations',
    success: { status: 200, description: 'The database answers', schema: HealthSchema },
  },
  GetOpenApiDocument: {
    summary: 'This document',
    tag: 'Operations',
    success: {
      status: 200,
      description: 'The OpenAPI 3.1 document of this API',
      contentTypes: ['application/json'],
    },
  },
  GetDocsPage: {
    summary: 'This document, rendered (Swagger UI)',
    tag: 'Operations',
    success: { status: 200, description: 'An HTML page', contentTypes: ['text/html'] },
  },
  GetDocsAsset: {
    summary: "A file of the docs page (Swagger UI's script and style sheet)",
    tag: 'Operations',
    params: DocsAssetPathSchema,
    success: { status: 200, description: 'The file', contentTypes: ['text/javascript', 'text/css'] },
    errors: ['ROUTE_NOT_FOUND'],
  },
};

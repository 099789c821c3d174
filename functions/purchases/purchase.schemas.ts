import * as z from 'zod';
import { AddressSchema } from '#shared/external/external-api.schemas.ts';
import { PageQuerySchema } from '#shared/pagination.ts';
import { ExternalIdSchema, TimestampSchema } from '#shared/schemas.ts';
import { LotAmountSchema } from '../credit/credit.schemas.ts';
import { PromoCodeTextSchema } from '../promo-codes/promo-code.schemas.ts';

const CentsSchema = z.number().int().min(0);

export const CreatePurchaseRequestSchema = z.strictObject({
  customerId: ExternalIdSchema,
  productId: ExternalIdSchema,
  // The default goes into the description, not a `default` keyword: generators (openapi-typescript)
  // make a property with a default required, and a client may leave it out (json-schema.ts).
  quantity: z.number().int().min(1).max(100).default(1),
  promoCode: PromoCodeTextSchema.optional(),
});

/** Any id-shaped string: one we never issued is a 404, not a 400. */
export const PurchasePathSchema = z.strictObject({ purchaseId: ExternalIdSchema });

export const ListPurchasesQuerySchema = PageQuerySchema.extend({
  customerId: ExternalIdSchema.optional().describe("Only this customer's purchases"),
  productId: ExternalIdSchema.optional().describe('Only purchases of this product'),
});

/** The product as it was when bought; later changes in the external API do not touch it. */
export const ProductSnapshotSchema = z.object({
  id: z.string(),
  sku: z.string(),
  name: z.string(),
  description: z.string(),
  priceCents: CentsSchema,
  lastModifiedAt: TimestampSchema,
});

/** The customer as they were when they bought, with the address the goods were shipped to. */
export const CustomerSnapshotSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  shippingAddress: AddressSchema,
  lastModifiedAt: TimestampSchema,
});

/** What a purchase will cost, fixed before any credit is held. */
export const QuoteSchema = z.object({
  product: ProductSnapshotSchema,
  customer: CustomerSnapshotSchema,
  quantity: z.number().int().min(1),
  unitPriceCents: CentsSchema,
  subtotalCents: CentsSchema,
  discountCents: CentsSchema,
  totalCents: CentsSchema,
  /** The promo code that gave the discount, upper-case. */
  promoCode: z.string().optional(),
});

export const PurchaseStatusSchema = z.enum(['COMPLETED', 'PARTIALLY_REFUNDED', 'REFUNDED']);

export const RefundSchema = z.object({
  id: z.string(),
  purchaseId: z.string(),
  amountCents: z.number().int().min(1),
  quantity: z.number().int().min(1).optional(),
  reason: z.string(),
  actor: z.string(),
  lots: z
    .array(LotAmountSchema)
    .optional()
    .describe('What went back to each lot the purchase drew from, the last-drawn first.'),
  expired: z
    .array(LotAmountSchema)
    .optional()
    .describe(
      'What came back to lots that had expired since: it expired again at once, with an EXPIRY ledger entry.',
    ),
  createdAt: TimestampSchema,
});

export const PurchaseSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  productId: z.string(),
  sku: z.string(),
  quantity: z.number().int().min(1),
  unitPriceCents: CentsSchema,
  subtotalCents: CentsSchema,
  discountCents: CentsSchema,
  totalCents: CentsSchema,
  refundedCents: CentsSchema,
  refundableCents: CentsSchema,
  status: PurchaseStatusSchema,
  shipmentId: z.string(),
  promoCode: z.string().optional(),
  product: ProductSnapshotSchema,
  customer: CustomerSnapshotSchema,
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
  refunds: z.array(RefundSchema).optional(),
});

/** What `GET /v1/purchases/{purchaseId}` answers: the purchase with every refund of it (none: `[]`). */
export const PurchaseWithRefundsSchema = PurchaseSchema.extend({ refunds: z.array(RefundSchema) });

/** The saga's input: what the purchase Lambda hands to the state machine. */
export const PurchaseSagaInputSchema = z.object({
  purchaseId: z.string().min(1),
  customerId: z.string().min(1),
  productId: z.string().min(1),
  quantity: z.number().int().min(1),
  promoCode: z.string().min(1).optional(),
  actor: z.string().min(1),
  /** Present when the request carried an Idempotency-Key: one purchase per operation. */
  operationId: z.string().min(1).optional(),
});

export type CreatePurchaseRequest = z.infer<typeof CreatePurchaseRequestSchema>;
export type ListPurchasesQuery = z.infer<typeof ListPurchasesQuerySchema>;
export type ProductSnapshot = z.infer<typeof ProductSnapshotSchema>;
export type CustomerSnapshot = z.infer<typeof CustomerSnapshotSchema>;
export type Quote = z.infer<typeof QuoteSchema>;
export type Purchase = z.infer<typeof PurchaseSchema>;
export type Refund = z.infer<typeof RefundSchema>;
export type PurchaseSagaInput = z.infer<typeof PurchaseSagaInputSchema>;

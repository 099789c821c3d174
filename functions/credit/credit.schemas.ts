import * as z from 'zod';
import { withSortedKeys } from '#shared/canonical-json.ts';
import { AmountCentsSchema, ExternalIdSchema, ReasonSchema, TimestampSchema } from '#shared/schemas.ts';
import { storableJsonObject } from '#shared/storable-json.ts';

export const CustomerPathSchema = z.strictObject({ customerId: ExternalIdSchema });

export const CreditChangeRequestSchema = z.strictObject({
  amountCents: AmountCentsSchema,
  reason: ReasonSchema,
  metadata: storableJsonObject(z.string().max(100)).transform(withSortedKeys).optional(),
});

export const CreditSchema = z.object({
  customerId: z.string(),
  currency: z.literal('USD'),
  balanceCents: z.number().int(),
  availableCents: z.number().int(),
  heldCents: z.number().int(),
  updatedAt: TimestampSchema.nullable(),
});

export const CreditTransactionTypeSchema = z.enum(['GRANT', 'DEDUCTION', 'PURCHASE', 'REFUND', 'EXPIRY']);

export const CreditTransactionSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  type: CreditTransactionTypeSchema,
  /** Signed: positive adds credit, negative takes it. */
  amountCents: z.number().int(),
  balanceAfterCents: z.number().int(),
  availableAfterCents: z.number().int(),
  reason: z.string(),
  actor: z.string(),
  purchaseId: z.string().optional(),
  refundId: z.string().optional(),
  /** Keys in sorted order, as stored: a replay rebuilt from storage reads exactly as the first answer. */
  metadata: z.record(z.string(), z.json()).transform(withSortedKeys).optional(),
  createdAt: TimestampSchema,
});

export const CreditChangeResponseSchema = z.object({
  transaction: CreditTransactionSchema,
  credit: CreditSchema,
});

export type CreditChangeRequest = z.infer<typeof CreditChangeRequestSchema>;
export type Credit = z.infer<typeof CreditSchema>;
export type CreditTransaction = z.infer<typeof CreditTransactionSchema>;
export type CreditTransactionType = z.infer<typeof CreditTransactionTypeSchema>;
export type CreditChangeResponse = z.infer<typeof CreditChangeResponseSchema>;

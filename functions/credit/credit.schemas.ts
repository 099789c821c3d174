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

export const LotCategorySchema = z
  .enum(['PAID', 'PROMOTIONAL'])
  .describe('PAID credit was paid for; PROMOTIONAL credit was given, and is spent first at equal expiry.');

export const GrantCreditRequestSchema = CreditChangeRequestSchema.extend({
  category: LotCategorySchema.optional().describe("The lot's category; PAID when absent."),
  expiresAt: TimestampSchema.optional().describe(
    'When what remains of this credit expires: a future time, at most 5 years ahead. Absent: never. ' +
      'The grant may join a lot of its category that expires earlier the same UTC day (never later).',
  ),
});

/** One lot's part of an entry: what the entry drew from it (or gave back to it). */
export const LotAmountSchema = z.object({ lotId: z.string(), amountCents: z.number().int() });

export const CreditLotSchema = z.object({
  lotId: z.string(),
  category: LotCategorySchema,
  grantedCents: z.number().int().describe('What grants put into the lot (0 for a lot a refund recreated).'),
  remainingCents: z.number().int().describe('What can still be spent.'),
  heldCents: z.number().int().describe('What purchases in flight hold from it.'),
  expiresAt: TimestampSchema.optional(),
  grantedAt: TimestampSchema,
  transactionId: z.string().describe('The GRANT entry that made the lot.'),
});

export const CreditSchema = z.object({
  customerId: z.string(),
  currency: z.literal('USD'),
  balanceCents: z.number().int(),
  availableCents: z.number().int(),
  heldCents: z.number().int(),
  lots: z
    .array(CreditLotSchema)
    .describe('The lots that hold credit, soonest-expiring first: the order they are spent in.'),
  nextExpiry: z
    .object({ amountCents: z.number().int(), expiresAt: TimestampSchema })
    .nullable()
    .describe('The next credit to lapse, or null when none will.'),
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
  lots: z
    .array(LotAmountSchema)
    .optional()
    .describe(
      'How much the entry took from (or gave back to) each lot, as positive amounts that add up to the size of its amount.',
    ),
  createdAt: TimestampSchema,
});

export const CreditChangeResponseSchema = z.object({
  transaction: CreditTransactionSchema,
  credit: CreditSchema,
});

export type CreditChangeRequest = z.infer<typeof CreditChangeRequestSchema>;
export type GrantCreditRequest = z.infer<typeof GrantCreditRequestSchema>;
export type CreditLotView = z.infer<typeof CreditLotSchema>;
export type LotAmount = z.infer<typeof LotAmountSchema>;
export type Credit = z.infer<typeof CreditSchema>;
export type CreditTransaction = z.infer<typeof CreditTransactionSchema>;
export type CreditTransactionType = z.infer<typeof CreditTransactionTypeSchema>;
export type CreditChangeResponse = z.infer<typeof CreditChangeResponseSchema>;

import * as z from 'zod';
import { AmountCentsSchema, ReasonSchema } from '#shared/schemas.ts';
import { PurchaseSchema, RefundSchema } from '../purchases/purchase.schemas.ts';

export const RefundRequestSchema = z
  .strictObject({
    amountCents: AmountCentsSchema.optional(),
    quantity: z.number().int().min(1).max(100).optional(),
    reason: ReasonSchema,
  })
  .refine((body) => body.amountCents === undefined || body.quantity === undefined, {
    message: 'give amountCents or quantity, not both (neither refunds all that remains)',
    path: ['amountCents'],
  })
  .meta({
    description:
      'amountCents or quantity, not both; neither refunds all that remains. ' +
      'quantity refunds that share of what was paid.',
    // The refinement, as JSON Schema says it; the `anyOf` is the same rule in the form a generator
    // turns into a type (openapi-typescript ignores `not`).
    not: { required: ['amountCents', 'quantity'] },
    allOf: [{ anyOf: [{ properties: { quantity: false } }, { properties: { amountCents: false } }] }],
  });

export const RefundResponseSchema = z.object({ refund: RefundSchema, purchase: PurchaseSchema });

export type RefundRequest = z.infer<typeof RefundRequestSchema>;
export type RefundResponse = z.infer<typeof RefundResponseSchema>;

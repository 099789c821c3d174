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
  });

export const RefundResponseSchema = z.object({ refund: RefundSchema, purchase: PurchaseSchema });

export type RefundRequest = z.infer<typeof RefundRequestSchema>;
export type RefundResponse = z.infer<typeof RefundResponseSchema>;

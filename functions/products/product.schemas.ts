import * as z from 'zod';
import { ExternalIdSchema, TimestampSchema } from '#shared/schemas.ts';

export const ProductPathSchema = z.strictObject({ productId: ExternalIdSchema });

/** A product as the external API has it now (possibly cached, at most 30 s old), priced in cents. */
export const ProductViewSchema = z.object({
  id: z.string(),
  sku: z.string(),
  name: z.string(),
  description: z.string(),
  priceCents: z.number().int().min(0),
  lastModifiedAt: TimestampSchema,
});

export type ProductView = z.infer<typeof ProductViewSchema>;

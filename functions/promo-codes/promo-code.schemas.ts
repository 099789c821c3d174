import * as z from 'zod';
import { MAX_REQUEST_AMOUNT_CENTS } from '#shared/money.ts';
import { PageQuerySchema } from '#shared/pagination.ts';
import { AmountCentsSchema, ExternalIdSchema, TimestampSchema } from '#shared/schemas.ts';

/** Promo codes as the contract spells them (3..32 of A-Z, 0-9, "_" and "-", any case). */
export const PromoCodeTextSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{3,32}$/, 'must be 3 to 32 letters, digits, "_" or "-"');

/** Codes are matched case-insensitively: they are stored, and looked up, upper-case. */
export const normalizePromoCode = (code: string): string => code.toUpperCase();

export const PromoCodeKindSchema = z.enum(['PERCENT', 'FIXED']);

const CountSchema = z.number().int().min(1).max(1_000_000_000);

/**
 * Stored as `toISOString()` gives it, so that times compare as strings (in the Reserve write's
 * condition too): `…00Z` and `…00.000Z` would not.
 */
const InstantSchema = TimestampSchema.transform((value) => new Date(value).toISOString());

export const CreatePromoCodeRequestSchema = z
  .strictObject({
    code: PromoCodeTextSchema.transform(normalizePromoCode),
    kind: PromoCodeKindSchema,
    percentOff: z.number().int().min(1).max(100).optional(),
    amountOffCents: AmountCentsSchema.optional(),
    validFrom: InstantSchema.optional(),
    validUntil: InstantSchema.optional(),
    maxRedemptions: CountSchema.optional(),
    maxRedemptionsPerCustomer: CountSchema.optional(),
    minSubtotalCents: z.number().int().min(0).max(MAX_REQUEST_AMOUNT_CENTS).optional(),
    productIds: z.array(ExternalIdSchema).min(1).max(100).optional(),
  })
  .superRefine((code, context) => {
    const need = (field: 'percentOff' | 'amountOffCents', present: boolean, message: string) => {
      if ((code[field] !== undefined) !== present)
        context.addIssue({ code: 'custom', path: [field], message });
    };
    need('percentOff', code.kind === 'PERCENT', 'is required for kind PERCENT and only for it');
    need('amountOffCents', code.kind === 'FIXED', 'is required for kind FIXED and only for it');
    if (code.validFrom !== undefined && code.validUntil !== undefined && code.validFrom >= code.validUntil)
      context.addIssue({ code: 'custom', path: ['validUntil'], message: 'must be after validFrom' });
  })
  .transform(({ productIds, ...code }) => ({
    ...code,
    ...(productIds === undefined ? {} : { productIds: [...new Set(productIds)] }),
  }));

export const UpdatePromoCodeRequestSchema = z
  .strictObject({
    active: z.boolean().optional(),
    validUntil: InstantSchema.optional(),
    maxRedemptions: CountSchema.optional(),
  })
  .refine(
    (change) => Object.keys(change).length > 0,
    'must change at least one of active, validUntil, maxRedemptions',
  );

/** Any code-shaped text: one that does not exist is a 404, whatever its spelling. */
export const PromoCodePathSchema = z.strictObject({
  code: z.string().min(1).max(64).transform(normalizePromoCode),
});

export const ListPromoCodesQuerySchema = PageQuerySchema;

export const PromoCodeSchema = z.object({
  code: z.string(),
  kind: PromoCodeKindSchema,
  percentOff: z.number().int().optional(),
  amountOffCents: z.number().int().optional(),
  validFrom: TimestampSchema.optional(),
  validUntil: TimestampSchema.optional(),
  maxRedemptions: z.number().int().optional(),
  maxRedemptionsPerCustomer: z.number().int().optional(),
  minSubtotalCents: z.number().int().optional(),
  productIds: z.array(z.string()).optional(),
  active: z.boolean(),
  /** Purchases completed with the code. */
  redemptions: z.number().int().min(0),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});

export type CreatePromoCodeRequest = z.infer<typeof CreatePromoCodeRequestSchema>;
export type UpdatePromoCodeRequest = z.infer<typeof UpdatePromoCodeRequestSchema>;
export type PromoCodeView = z.infer<typeof PromoCodeSchema>;

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

/** What every kind of code may carry besides its discount. */
const promoCodeTerms = {
  code: PromoCodeTextSchema.transform(normalizePromoCode),
  validFrom: InstantSchema.optional(),
  validUntil: InstantSchema.optional(),
  maxRedemptions: CountSchema.optional(),
  maxRedemptionsPerCustomer: CountSchema.optional(),
  minSubtotalCents: z.number().int().min(0).max(MAX_REQUEST_AMOUNT_CENTS).optional(),
  productIds: z.array(ExternalIdSchema).min(1).max(100).optional(),
};

/**
 * A union on `kind`, so that the rule "PERCENT takes percentOff, FIXED takes amountOffCents, never
 * the other" is the schema's shape: the document says it as a `oneOf` and a generated client refuses
 * a code without its discount, or with the other kind's, at compile time. The one rule JSON Schema
 * cannot say (validUntil after validFrom) is a refinement, and the description says it.
 */
export const CreatePromoCodeRequestSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      ...promoCodeTerms,
      kind: z.literal('PERCENT'),
      percentOff: z.number().int().min(1).max(100),
    }),
    z.strictObject({ ...promoCodeTerms, kind: z.literal('FIXED'), amountOffCents: AmountCentsSchema }),
  ])
  .superRefine((code, context) => {
    if (code.validFrom !== undefined && code.validUntil !== undefined && code.validFrom >= code.validUntil)
      context.addIssue({ code: 'custom', path: ['validUntil'], message: 'must be after validFrom' });
  })
  .meta({
    description:
      'A PERCENT code takes percentOff, a FIXED code amountOffCents, never the other. ' +
      'validUntil, when given with validFrom, must be after it.',
    type: 'object',
    discriminator: { propertyName: 'kind' },
  })
  .transform(({ productIds, ...code }) => ({
    ...code,
    ...(productIds === undefined ? {} : { productIds: [...new Set(productIds)] }),
  }));

const UPDATABLE = ['active', 'validUntil', 'maxRedemptions'] as const;

/**
 * At least one change. Checked by the refinement; the document says it twice, as `minProperties`
 * and as an `anyOf` of one required field each, which a generator turns into a type that refuses
 * `{}` (openapi-typescript ignores `minProperties`).
 */
export const UpdatePromoCodeRequestSchema = z
  .strictObject({
    active: z.boolean().optional(),
    validUntil: InstantSchema.optional(),
    maxRedemptions: CountSchema.optional(),
  } satisfies Record<(typeof UPDATABLE)[number], z.ZodType>)
  .refine((change) => Object.keys(change).length > 0, `must change at least one of ${UPDATABLE.join(', ')}`)
  .meta({
    description: `Changes at least one of ${UPDATABLE.join(', ')}.`,
    minProperties: 1,
    allOf: [
      {
        anyOf: UPDATABLE.map((field) => ({ type: 'object', properties: { [field]: {} }, required: [field] })),
      },
    ],
  });

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

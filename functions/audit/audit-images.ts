import * as z from 'zod';
import { TimestampSchema } from '#shared/schemas.ts';
import { CreditSchema, CreditTransactionSchema } from '../credit/credit.schemas.ts';
import { LotDrawSchema } from '../ledger/lot-draws.ts';
import { PromoCodeSchema } from '../promo-codes/promo-code.schemas.ts';
import { PurchaseSchema, QuoteSchema, RefundSchema } from '../purchases/purchase.schemas.ts';
import type { Reservation } from '../purchases/saga/reservation.ts';
import type { AUDIT_ENTITY_TYPES } from './audit-entity-types.ts';

type AuditEntityType = (typeof AUDIT_ENTITY_TYPES)[number];

/**
 * What an audit record's `before` and `after` hold, per entity type: the item as the main table
 * stores it, without its keys, index attributes and `version` (audit.ts). Each is built from the
 * entity's own schema, less what is derived when it is read and plus what only storage keeps, so
 * a field added to an entity's schema shows in its audit images too.
 */

/**
 * Every field of the saga's `Reservation` (which has no schema of its own), each with its type: a
 * field added there and not here does not compile.
 */
const reservationFields = {
  purchaseId: z.string(),
  customerId: z.string(),
  productId: z.string(),
  quote: QuoteSchema,
  totalCents: z.number().int().min(0),
  lotDraws: z.array(LotDrawSchema).describe('The lots the hold drew from, in the order drawn'),
  status: z.enum(['PENDING', 'SHIPPING', 'SHIPPED', 'COMMITTED', 'RELEASED']),
  actor: z.string(),
  operationId: z.string().optional(),
  // Reservations written before the key was stored have none (their key is the per-purchase one).
  shipmentKey: z.string().optional(),
  shipmentId: z.string().optional(),
  awaitingReviewSince: TimestampSchema.optional(),
  reviewReason: z.enum(['SHIPMENT_UNKNOWN', 'COMMIT_FAILED']).optional(),
  reviewNote: z.string().optional(),
  promoShard: z.number().int().min(0).optional(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
} satisfies { [K in keyof Reservation]-?: z.ZodType<Reservation[K] | undefined> };

/** Who made the item's last change, where the writer records it beside the entity's own fields. */
const changedBy = z.string().describe('The subject of the token that made the change');

/** Each entity type's item, and what a reader calls it. */
const IMAGES = {
  CREDIT: {
    what: "customer's credit account (its balance is availableCents + heldCents)",
    // `nextExpiry` is computed on read; the lots are stored as the view shows them.
    schema: CreditSchema.omit({ currency: true, balanceCents: true, nextExpiry: true }).extend({ changedBy }),
  },
  CREDIT_TRANSACTION: { what: 'ledger entry', schema: CreditTransactionSchema },
  RESERVATION: {
    what: 'reservation (the credit a purchase holds while its saga runs, and how far the saga got)',
    schema: z.object(reservationFields).extend({ changedBy: changedBy.optional() }),
  },
  PURCHASE: {
    what: 'purchase',
    schema: PurchaseSchema.omit({ refundableCents: true, sku: true, refunds: true }).extend({
      // Purchases stored before units were counted have none (0).
      refundedQuantity: z.number().int().min(0).optional().describe('Units refunded so far'),
      lotDraws: z.array(LotDrawSchema).optional().describe('The lots its credit came from'),
      lotsReturned: z
        .array(LotDrawSchema)
        .optional()
        .describe('What its refunds gave back to those lots (or expired), so far'),
      changedBy,
    }),
  },
  REFUND: {
    what: 'refund',
    schema: RefundSchema.extend({
      purchaseRefundedCentsAfter: z
        .number()
        .int()
        .min(0)
        .describe("The purchase's refunded total right after this refund"),
    }),
  },
  PROMO_CODE: {
    what: 'promo code (its redemptions are counted in items of their own)',
    schema: PromoCodeSchema.omit({ redemptions: true }).extend({ changedBy }),
  },
} satisfies Record<AuditEntityType, { what: string; schema: z.ZodObject }>;

/** `CREDIT_TRANSACTION` → `CreditTransaction`: the entity type as a component name. */
const pascalCase = (type: string): string =>
  type
    .toLowerCase()
    .split('_')
    .map((word) => `${word.charAt(0).toUpperCase()}${word.slice(1)}`)
    .join('');

/**
 * An entity type's two images: the whole item (a creation's `after`, a deletion's `before`) and the
 * fields an update changed (its `before` and `after` alike). Both are open: attributes written by an
 * older or newer version of the service, which these schemas do not name, stay in the record.
 */
function imagesOf<Type extends AuditEntityType>(type: Type) {
  const { what, schema } = IMAGES[type];
  return {
    whole: schema
      .loose()
      .describe(
        `The whole item as stored (a creation's \`after\`, a deletion's \`before\`): a ${what}. ` +
          'It may carry attributes not named here.',
      ),
    changed: schema
      .partial()
      .loose()
      .describe(
        `The attributes an update of a ${what} changed, and only those: ` +
          'the old values in `before`, the new ones in `after`.',
      ),
  };
}

/**
 * The records of one entity type, one per action: CREATED has the whole item in `after`; UPDATED
 * only what changed, in both; DELETED the whole item in `before`.
 */
function recordsOf<Type extends AuditEntityType>(entityType: Type) {
  const { whole, changed } = imagesOf(entityType);
  const record = {
    id: z.string(),
    entityType: z.literal(entityType),
    entityId: z.string(),
    actor: z.string(),
    at: TimestampSchema,
    /** 1, 2, 3… per entity, in the order its changes happened. */
    sequence: z.number().int().min(1),
  };
  return z.discriminatedUnion('action', [
    z.object({ ...record, action: z.literal('CREATED'), before: z.null(), after: whole }),
    z.object({ ...record, action: z.literal('UPDATED'), before: changed, after: changed }),
    z.object({ ...record, action: z.literal('DELETED'), before: whole, after: z.null() }),
  ]);
}

export const CreditAuditRecordSchema = recordsOf('CREDIT');
export const CreditTransactionAuditRecordSchema = recordsOf('CREDIT_TRANSACTION');
export const ReservationAuditRecordSchema = recordsOf('RESERVATION');
export const PurchaseAuditRecordSchema = recordsOf('PURCHASE');
export const RefundAuditRecordSchema = recordsOf('REFUND');
export const PromoCodeAuditRecordSchema = recordsOf('PROMO_CODE');

/** The images of every entity type under their names in the document (`PurchaseAuditImage`, `PurchaseAuditChange`). */
export const AUDIT_IMAGE_COMPONENTS: readonly (readonly [string, z.ZodType])[] = [
  CreditAuditRecordSchema,
  CreditTransactionAuditRecordSchema,
  ReservationAuditRecordSchema,
  PurchaseAuditRecordSchema,
  RefundAuditRecordSchema,
  PromoCodeAuditRecordSchema,
].flatMap((records) => {
  const [created, updated] = records.options;
  const name = pascalCase(created.shape.entityType.value);
  return [
    [`${name}AuditImage`, created.shape.after],
    [`${name}AuditChange`, updated.shape.after],
  ] as const;
});

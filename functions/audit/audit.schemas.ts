import { z } from 'zod';
import { PageQuerySchema } from '#shared/pagination.ts';
import { TimestampSchema } from '#shared/schemas.ts';

/**
 * What the audit names. The contract's filter lists CREDIT, PURCHASE, REFUND and PROMO_CODE; the
 * ledger entries and reservations are stored entities too, so they are audited under their own types.
 */
export const AuditEntityTypeSchema = z.enum([
  'CREDIT',
  'CREDIT_TRANSACTION',
  'RESERVATION',
  'PURCHASE',
  'REFUND',
  'PROMO_CODE',
]);

export const AuditActionSchema = z.enum(['CREATED', 'UPDATED', 'DELETED']);

export const AuditRecordSchema = z.object({
  id: z.string(),
  entityType: AuditEntityTypeSchema,
  entityId: z.string(),
  action: AuditActionSchema,
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
  actor: z.string(),
  at: TimestampSchema,
  /** 1, 2, 3… per entity, in the order its changes happened. */
  sequence: z.number().int().min(1),
});

export const ListAuditQuerySchema = PageQuerySchema.extend({
  entityType: AuditEntityTypeSchema.optional(),
  entityId: z.string().min(1).max(200).optional(),
}).refine((query) => query.entityId === undefined || query.entityType !== undefined, {
  message: 'entityId needs entityType',
  path: ['entityId'],
});

export type AuditEntityType = z.infer<typeof AuditEntityTypeSchema>;
export type AuditAction = z.infer<typeof AuditActionSchema>;
export type AuditRecord = z.infer<typeof AuditRecordSchema>;
export type ListAuditQuery = z.infer<typeof ListAuditQuerySchema>;

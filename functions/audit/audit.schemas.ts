import * as z from 'zod';
import { PageQuerySchema } from '#shared/pagination.ts';
import { TimestampSchema } from '#shared/schemas.ts';
import { AUDIT_ENTITY_TYPES } from './audit-entity-types.ts';
import {
  CreditAuditRecordSchema,
  CreditTransactionAuditRecordSchema,
  PromoCodeAuditRecordSchema,
  PurchaseAuditRecordSchema,
  RefundAuditRecordSchema,
  ReservationAuditRecordSchema,
} from './audit-images.ts';

export const AuditEntityTypeSchema = z.enum(AUDIT_ENTITY_TYPES);

export const AuditActionSchema = z.enum(['CREATED', 'UPDATED', 'DELETED']);

/**
 * A record as the audit keeps it: its images are the stored item's attributes, whatever they are.
 * The projection never refuses a change for its shape (the audit must keep every change); that the
 * images are what `AuditRecordSchema` documents is the e2e tests' check against the document.
 */
export const StoredAuditRecordSchema = z.object({
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

/** What `GET /v1/audit` answers: a record, its images typed by its entity type and action. */
export const AuditRecordSchema = z
  .discriminatedUnion('entityType', [
    CreditAuditRecordSchema,
    CreditTransactionAuditRecordSchema,
    ReservationAuditRecordSchema,
    PurchaseAuditRecordSchema,
    RefundAuditRecordSchema,
    PromoCodeAuditRecordSchema,
  ])
  .describe(
    'One change of one stored entity. CREATED: `before` is null, `after` the whole item. UPDATED: ' +
      '`before` and `after` hold only the attributes that changed (old and new values; an attribute ' +
      'in `before` only was removed, one in `after` only was added). DELETED: `before` is the whole ' +
      'item, `after` null. An item is as stored: it may carry attributes its schema does not name.',
  );

export const ListAuditQuerySchema = PageQuerySchema.extend({
  entityType: AuditEntityTypeSchema.optional().describe('Only records of entities of this type'),
  entityId: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Only records of this entity; needs entityType (an id is unique within its type only)'),
}).refine((query) => query.entityId === undefined || query.entityType !== undefined, {
  message: 'entityId needs entityType',
  path: ['entityId'],
});

export type AuditEntityType = z.infer<typeof AuditEntityTypeSchema>;
export type AuditAction = z.infer<typeof AuditActionSchema>;
export type AuditRecord = z.infer<typeof AuditRecordSchema>;
export type StoredAuditRecord = z.infer<typeof StoredAuditRecordSchema>;
export type ListAuditQuery = z.infer<typeof ListAuditQuerySchema>;

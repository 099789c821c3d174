import * as z from 'zod';
import { PageQuerySchema } from '#shared/pagination.ts';
import { TimestampSchema } from '#shared/schemas.ts';
import { AUDIT_ENTITY_TYPES } from './audit-entity-types.ts';

export const AuditEntityTypeSchema = z.enum(AUDIT_ENTITY_TYPES);

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
export type ListAuditQuery = z.infer<typeof ListAuditQuerySchema>;

import type { Runtime } from '#shared/runtime.ts';
import { DynamoAuditRepository } from './audit.repository.ts';

/** @throws Error at cold start when the function was not given the audit table */
export function auditRepository(runtime: Runtime): DynamoAuditRepository {
  const tableName = runtime.config.AUDIT_TABLE_NAME;
  if (tableName === undefined) throw new Error('invalid configuration: AUDIT_TABLE_NAME is required');
  return new DynamoAuditRepository(runtime.documentClient, tableName);
}

import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '#shared/logger.ts';
import { publishAuditLag } from '#shared/metrics/metrics.ts';
import { getRuntime } from '#shared/runtime.ts';
import { auditRepository } from './audit.deps.ts';
import { projectStreamBatch } from './audit-stream.ts';

const deps = { audit: auditRepository(getRuntime()), logger };

/** The main table's stream → the audit table (event source mapping with partial batch responses). */
export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  logger.resetKeys();
  const { batchItemFailures, result } = await projectStreamBatch(deps, event);
  logger.debug('audit batch projected', { records: event.Records.length, ...result });
  publishAuditLag(event.Records);
  return { batchItemFailures };
}

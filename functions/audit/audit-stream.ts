import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { type AuditRepository, type ProjectionResult, projectChanges, type StoredChange } from './audit.ts';

type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

/** An image as plain values; undefined when absent or unreadable (the change then fails, named). */
function readImage(image: Image | undefined): Record<string, unknown> | undefined {
  if (image === undefined) return undefined;
  try {
    return unmarshall(image as Record<string, AttributeValue>);
  } catch {
    return undefined;
  }
}

export function changeFromRecord(record: DynamoDBRecord): StoredChange {
  const seconds = record.dynamodb?.ApproximateCreationDateTime;
  return {
    eventId: record.eventID ?? '',
    sequenceNumber: record.dynamodb?.SequenceNumber ?? '',
    kind: record.eventName ?? 'MODIFY',
    before: readImage(record.dynamodb?.OldImage),
    after: readImage(record.dynamodb?.NewImage),
    observedAt: new Date(seconds === undefined ? Date.now() : seconds * 1000).toISOString(),
  };
}

/**
 * One batch of the main table's stream into the audit table. Answers with the first record it could
 * not store (Lambda's partial batch response), so the stream delivers again from there.
 */
export async function projectStreamBatch(
  deps: { audit: AuditRepository; logger: { error(message: string, fields: Record<string, unknown>): void } },
  event: DynamoDBStreamEvent,
): Promise<DynamoDBBatchResponse & { result: ProjectionResult }> {
  const result = await projectChanges(deps, event.Records.map(changeFromRecord));
  return {
    batchItemFailures: result.firstFailure === undefined ? [] : [{ itemIdentifier: result.firstFailure }],
    result,
  };
}

import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';

/**
 * For a cancelled TransactWriteItems, the indexes of the items whose condition failed.
 * Returns undefined when the error is not a cancellation.
 */
export function failedConditionIndexes(error: unknown): number[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  const reasons = error.CancellationReasons ?? [];
  return reasons.flatMap((reason, index) => (reason.Code === 'ConditionalCheckFailed' ? [index] : []));
}

/** A cancellation for contention rather than a failed condition: safe to retry as it is. */
export function isTransactionConflict(error: unknown): boolean {
  if (error instanceof TransactionCanceledException) {
    return (error.CancellationReasons ?? []).some((reason) => reason.Code === 'TransactionConflict');
  }
  return error instanceof Error && error.name === 'TransactionConflictException';
}

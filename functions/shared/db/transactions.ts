import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** One write of a transaction, named after what its condition protects ("account", "entry", …). */
export interface NamedWrite<N extends string = string> {
  readonly name: N;
  readonly write: TransactItem;
}

/** The transaction was cancelled because these writes' conditions failed; nothing was written. */
export class ConditionsFailedError<N extends string = string> extends Error {
  override readonly name = 'ConditionsFailedError';
  constructor(
    readonly failed: ReadonlySet<N>,
    options?: ErrorOptions,
  ) {
    super(`conditions failed: ${[...failed].join(', ')}`, options);
  }

  /** Whether any of these writes' conditions failed. */
  has(...names: readonly N[]): boolean {
    return names.some((name) => this.failed.has(name));
  }
}

/** Another transaction was writing the same items at the same moment: safe to retry as it is. */
export class TransactionConflictError extends Error {
  override readonly name = 'TransactionConflictError';
}

/**
 * Writes all or nothing (TransactWriteItems). A cancelled transaction is reported by the names of
 * the writes whose condition failed, so no caller counts positions in `CancellationReasons`.
 * @throws ConditionsFailedError naming the failed conditions
 * @throws TransactionConflictError on contention with another transaction
 */
export async function writeAtomically<N extends string>(
  client: DynamoDBDocumentClient,
  writes: readonly NamedWrite<N>[],
): Promise<void> {
  if (new Set(writes.map((write) => write.name)).size !== writes.length) {
    throw new Error(`a transaction names a write twice: ${writes.map((write) => write.name).join(', ')}`);
  }
  try {
    await client.send(new TransactWriteCommand({ TransactItems: writes.map((write) => write.write) }));
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const reasons = error.CancellationReasons ?? [];
      const failed = new Set(
        writes.filter((_, index) => reasons[index]?.Code === 'ConditionalCheckFailed').map((w) => w.name),
      );
      if (failed.size > 0) throw new ConditionsFailedError(failed, { cause: error });
      if (reasons.some((reason) => reason.Code === 'TransactionConflict')) {
        throw new TransactionConflictError('transaction conflict', { cause: error });
      }
    }
    if (error instanceof Error && error.name === 'TransactionConflictException') {
      throw new TransactionConflictError('transaction conflict', { cause: error });
    }
    throw error;
  }
}

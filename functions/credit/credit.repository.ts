import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { customerPartitionKey, LEDGER_ENTRY_PREFIX } from '#shared/db/keys.ts';
import { pageOfPartition } from '#shared/db/partition-page.ts';
import { ConditionsFailedError, type NamedWrite, writeAtomically } from '#shared/db/transactions.ts';
import type { Page, PageRequest } from '#shared/pagination.ts';
import { OperationAlreadyAppliedError, StaleAccountError } from '../ledger/errors.ts';
import {
  type AccountWriteName,
  accountWrites,
  DynamoAccountReader,
  lostRace,
  operationMarkerWrites,
  readOperationMarker,
} from '../ledger/ledger-writes.ts';
import {
  type CreditChangeResponse,
  CreditChangeResponseSchema,
  type CreditTransaction,
  CreditTransactionSchema,
} from './credit.schemas.ts';
import type { CreditEntryWrite, CreditRepository } from './credit.ts';

export class DynamoCreditRepository extends DynamoAccountReader implements CreditRepository {
  constructor(
    private readonly documentClient: DynamoDBDocumentClient,
    private readonly table: string,
  ) {
    super(documentClient, table);
  }

  async appendEntry({ write, answer, operationId }: CreditEntryWrite): Promise<void> {
    const writes: NamedWrite<AccountWriteName | 'operation'>[] = [
      ...accountWrites(this.table, write, answer.transaction.actor),
      ...operationMarkerWrites(this.table, {
        customerId: write.after.customerId,
        operationId,
        entity: 'CREDIT_OPERATION',
        fields: { answer },
      }),
    ];
    try {
      await writeAtomically(this.documentClient, writes);
    } catch (error) {
      if (error instanceof ConditionsFailedError && error.has('operation')) {
        throw new OperationAlreadyAppliedError('operation already applied', { cause: error });
      }
      if (lostRace(error, 'account', 'entry')) {
        throw new StaleAccountError('account changed since it was read', { cause: error });
      }
      throw error;
    }
  }

  async findAppliedOperation(
    customerId: string,
    operationId: string,
  ): Promise<CreditChangeResponse | undefined> {
    const marker = await readOperationMarker(this.documentClient, this.table, customerId, operationId);
    return marker?.answer === undefined ? undefined : CreditChangeResponseSchema.parse(marker.answer);
  }

  listEntries(customerId: string, page: PageRequest): Promise<Page<CreditTransaction>> {
    return pageOfPartition(
      this.documentClient,
      {
        tableName: this.table,
        partitionKey: customerPartitionKey(customerId),
        prefix: LEDGER_ENTRY_PREFIX,
        page,
      },
      toTransaction,
    );
  }
}

function toTransaction(item: Record<string, unknown>): CreditTransaction {
  const { PK: _pk, SK: _sk, entity: _entity, ...fields } = item;
  return CreditTransactionSchema.parse(fields);
}

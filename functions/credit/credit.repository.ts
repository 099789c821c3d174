import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { customerPartitionKey, LEDGER_ENTRY_PREFIX, ledgerEntryKey } from '#shared/db/keys.ts';
import { pageOfPartition } from '#shared/db/partition-page.ts';
import { ConditionsFailedError, type NamedWrite, writeAtomically } from '#shared/db/transactions.ts';
import type { Page, PageRequest } from '#shared/pagination.ts';
import { OperationAlreadyAppliedError, StaleAccountError } from '../ledger/errors.ts';
import {
  DynamoAccountReader,
  ledgerEntryWrites,
  lostRace,
  operationMarkerWrites,
  readOperationMarker,
} from '../ledger/ledger-writes.ts';
import { type CreditTransaction, CreditTransactionSchema } from './credit.schemas.ts';
import type { CreditEntryWrite, CreditRepository } from './credit.ts';

export class DynamoCreditRepository extends DynamoAccountReader implements CreditRepository {
  constructor(
    private readonly documentClient: DynamoDBDocumentClient,
    private readonly table: string,
  ) {
    super(documentClient, table);
  }

  async appendEntry(write: CreditEntryWrite): Promise<void> {
    const { after, operationId } = write;
    const writes: NamedWrite<'account' | 'entry' | 'operation'>[] = [
      ...ledgerEntryWrites(this.table, write),
      ...operationMarkerWrites(this.table, {
        customerId: after.customerId,
        operationId,
        entity: 'CREDIT_OPERATION',
        fields: { entrySK: ledgerEntryKey(after.customerId, after.version).SK },
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

  async findEntryByOperation(
    customerId: string,
    operationId: string,
  ): Promise<CreditTransaction | undefined> {
    const marker = await readOperationMarker(this.documentClient, this.table, customerId, operationId);
    if (!marker) return undefined;
    const { Item } = await this.documentClient.send(
      new GetCommand({
        TableName: this.table,
        Key: { PK: customerPartitionKey(customerId), SK: String(marker.entrySK) },
        ConsistentRead: true,
      }),
    );
    return Item && toTransaction(Item);
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

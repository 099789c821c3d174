import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  creditAccountKey,
  creditOperationKey,
  customerPartitionKey,
  KNOWN_CUSTOMERS_PARTITION,
  LEDGER_ENTRY_PREFIX,
  ledgerEntryKey,
} from '#shared/db/keys.ts';
import { pageOfPartition } from '#shared/db/partition-page.ts';
import { failedConditionIndexes, isTransactionConflict } from '#shared/db/transactions.ts';
import type { Page, PageRequest } from '#shared/pagination.ts';
import { type CreditTransaction, CreditTransactionSchema } from './credit.schemas.ts';
import {
  type CreditAccount,
  type CreditEntryWrite,
  type CreditRepository,
  OperationAlreadyAppliedError,
  StaleAccountError,
} from './credit.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The position of each item in the transaction `appendEntry` writes. */
const ACCOUNT = 0;
const ENTRY = 1;
const OPERATION = 2;

/**
 * The two writes of every balance change: the account, conditional on being exactly as read (a
 * first write finds no account), and the ledger entry in the slot of the new version, conditional
 * on the slot being free. Other changes (a purchase, a refund) add their own items to the same
 * transaction, after these two.
 */
export function ledgerEntryItems(
  tableName: string,
  { before, after, transaction }: Omit<CreditEntryWrite, 'operationId'>,
): TransactItem[] {
  const { customerId } = after;
  const accountUnchanged = before.version === 0 ? 'attribute_not_exists(PK)' : '#version = :expectedVersion';
  return [
    {
      Update: {
        TableName: tableName,
        Key: creditAccountKey(customerId),
        UpdateExpression:
          'SET #entity = :entity, customerId = :customerId, availableCents = :available, heldCents = :held, ' +
          '#version = :version, updatedAt = :updatedAt, changedBy = :actor, GSI1PK = :known, GSI1SK = :customerId',
        ConditionExpression: accountUnchanged,
        ExpressionAttributeNames: { '#entity': 'entity', '#version': 'version' },
        ExpressionAttributeValues: {
          ':entity': 'CREDIT_ACCOUNT',
          ':customerId': customerId,
          ':available': after.availableCents,
          ':held': after.heldCents,
          ':version': after.version,
          ':updatedAt': after.updatedAt,
          ':actor': transaction.actor,
          ':known': KNOWN_CUSTOMERS_PARTITION,
          ...(before.version === 0 ? {} : { ':expectedVersion': before.version }),
        },
      },
    },
    {
      Put: {
        TableName: tableName,
        Item: { ...ledgerEntryKey(customerId, after.version), entity: 'CREDIT_TRANSACTION', ...transaction },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
  ];
}

export class DynamoCreditRepository implements CreditRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getAccount(customerId: string): Promise<CreditAccount | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: creditAccountKey(customerId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return {
      customerId,
      availableCents: Number(Item.availableCents),
      heldCents: Number(Item.heldCents),
      version: Number(Item.version),
      updatedAt: String(Item.updatedAt),
    };
  }

  async appendEntry({ before, after, transaction, operationId }: CreditEntryWrite): Promise<void> {
    const items = ledgerEntryItems(this.tableName, { before, after, transaction });
    if (operationId !== undefined) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: {
            ...creditOperationKey(after.customerId, operationId),
            entity: 'CREDIT_OPERATION',
            entrySK: ledgerEntryKey(after.customerId, after.version).SK,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      });
    }

    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      const failed = failedConditionIndexes(error);
      if (failed?.includes(OPERATION)) {
        throw new OperationAlreadyAppliedError('operation already applied', { cause: error });
      }
      if (failed?.includes(ACCOUNT) || failed?.includes(ENTRY) || isTransactionConflict(error)) {
        throw new StaleAccountError('account changed since it was read', { cause: error });
      }
      throw error;
    }
  }

  async findEntryByOperation(
    customerId: string,
    operationId: string,
  ): Promise<CreditTransaction | undefined> {
    const { Item: marker } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: creditOperationKey(customerId, operationId),
        ConsistentRead: true,
      }),
    );
    if (!marker) return undefined;
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: customerPartitionKey(customerId), SK: String(marker.entrySK) },
        ConsistentRead: true,
      }),
    );
    return Item && toTransaction(Item);
  }

  listEntries(customerId: string, page: PageRequest): Promise<Page<CreditTransaction>> {
    return pageOfPartition(
      this.client,
      {
        tableName: this.tableName,
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

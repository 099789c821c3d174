import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  creditOperationKey,
  purchaseKey,
  purchasePartitionKey,
  REFUND_PREFIX,
  refundKey,
} from '#shared/db/keys.ts';
import { pageOfPartition } from '#shared/db/partition-page.ts';
import { failedConditionIndexes, isTransactionConflict } from '#shared/db/transactions.ts';
import type { Page, PageRequest } from '#shared/pagination.ts';
import { ledgerEntryItems, type TransactItem } from '../credit/credit.repository.ts';
import { OperationAlreadyAppliedError, StaleAccountError } from '../credit/credit.ts';
import { toPurchase, toRefund } from './purchase.repository.ts';
import type { Refund, RefundResponse } from './purchase.schemas.ts';
import type { RefundablePurchase, RefundRepository, RefundWrite } from './refund.ts';

/** Positions of the items in the refund transaction. */
const REFUND = { account: 0, entry: 1, purchase: 2, refund: 3, operation: 4 } as const;

export class DynamoRefundRepository implements RefundRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getRefundable(purchaseId: string): Promise<RefundablePurchase | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: purchaseKey(purchaseId), ConsistentRead: true }),
    );
    return Item && { purchase: toPurchase(Item), refundedQuantity: Number(Item.refundedQuantity ?? 0) };
  }

  async appendRefund(write: RefundWrite): Promise<void> {
    const { before, after, refund, transaction, operationId } = write;
    const { customerId } = after.purchase;
    const items: TransactItem[] = [
      ...ledgerEntryItems(this.tableName, {
        before: write.accountBefore,
        after: write.accountAfter,
        transaction,
      }),
      {
        Update: {
          TableName: this.tableName,
          Key: purchaseKey(after.purchase.id),
          UpdateExpression:
            'SET refundedCents = :refunded, refundedQuantity = :refundedQuantity, #status = :status, ' +
            'updatedAt = :now, changedBy = :actor',
          // The refunded total is still what was read, and rises only within what was paid.
          ConditionExpression: 'refundedCents = :readRefunded AND totalCents >= :refunded',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':refunded': after.purchase.refundedCents,
            ':refundedQuantity': after.refundedQuantity,
            ':status': after.purchase.status,
            ':now': after.purchase.updatedAt,
            ':actor': refund.actor,
            ':readRefunded': before.purchase.refundedCents,
          },
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: { ...refundKey(refund.purchaseId, refund.id), entity: 'REFUND', ...refund },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ];
    if (operationId !== undefined) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: {
            ...creditOperationKey(customerId, operationId),
            entity: 'REFUND_OPERATION',
            purchaseId: refund.purchaseId,
            refundId: refund.id,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      });
    }
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      const failed = failedConditionIndexes(error);
      if (failed?.includes(REFUND.operation)) {
        throw new OperationAlreadyAppliedError('refund already made', { cause: error });
      }
      if (
        failed?.some(
          (index) => index === REFUND.account || index === REFUND.entry || index === REFUND.purchase,
        ) ||
        isTransactionConflict(error)
      ) {
        throw new StaleAccountError('account or purchase changed since they were read', { cause: error });
      }
      throw error;
    }
  }

  async findRefundByOperation(customerId: string, operationId: string): Promise<RefundResponse | undefined> {
    const { Item: marker } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: creditOperationKey(customerId, operationId),
        ConsistentRead: true,
      }),
    );
    if (!marker || marker.refundId === undefined) return undefined;
    const purchaseId = String(marker.purchaseId);
    const [refund, purchase] = await Promise.all([
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: refundKey(purchaseId, String(marker.refundId)),
          ConsistentRead: true,
        }),
      ),
      this.getRefundable(purchaseId),
    ]);
    return refund.Item && purchase && { refund: toRefund(refund.Item), purchase: purchase.purchase };
  }

  listRefunds(purchaseId: string, page: PageRequest): Promise<Page<Refund>> {
    return pageOfPartition(
      this.client,
      {
        tableName: this.tableName,
        partitionKey: purchasePartitionKey(purchaseId),
        prefix: REFUND_PREFIX,
        page,
      },
      toRefund,
    );
  }
}

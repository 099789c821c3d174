import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { FIRST_VERSION, NEXT_VERSION, VERSION_NAMES, VERSION_VALUES } from '#shared/db/item-version.ts';
import { purchaseKey, purchasePartitionKey, REFUND_PREFIX, refundKey } from '#shared/db/keys.ts';
import { pageOfPartition } from '#shared/db/partition-page.ts';
import { ConditionsFailedError, type NamedWrite, writeAtomically } from '#shared/db/transactions.ts';
import type { Page, PageRequest } from '#shared/pagination.ts';
import { OperationAlreadyAppliedError, StaleAccountError } from '../ledger/errors.ts';
import {
  type AccountWriteName,
  accountWrites,
  lostRace,
  operationMarkerWrites,
  readOperationMarker,
} from '../ledger/ledger-writes.ts';
import { lotDrawsFromItem } from '../ledger/lot-draws.ts';
import { toPurchase } from '../purchases/purchase.repository.ts';
import { type Purchase, type Refund, RefundSchema } from '../purchases/purchase.schemas.ts';
import type { RefundablePurchase, RefundRepository, RefundWrite } from './refund.ts';

export class DynamoRefundRepository implements RefundRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getRefundable(purchaseId: string): Promise<RefundablePurchase | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: purchaseKey(purchaseId), ConsistentRead: true }),
    );
    return (
      Item && {
        purchase: toPurchase(Item),
        refundedQuantity: Number(Item.refundedQuantity ?? 0),
        lotDraws: lotDrawsFromItem(Item.lotDraws),
        lotsReturned: lotDrawsFromItem(Item.lotsReturned),
      }
    );
  }

  async appendRefund({ before, after, credit, refund, operationId }: RefundWrite): Promise<void> {
    const { customerId } = after.purchase;
    const writes: NamedWrite<AccountWriteName | 'purchase' | 'refund' | 'operation'>[] = [
      ...accountWrites(this.tableName, credit, refund.actor),
      {
        name: 'purchase',
        write: {
          Update: {
            TableName: this.tableName,
            Key: purchaseKey(after.purchase.id),
            UpdateExpression:
              'SET refundedCents = :refunded, refundedQuantity = :refundedQuantity, lotsReturned = :lotsReturned, ' +
              '#status = :status, ' +
              `updatedAt = :now, changedBy = :actor, ${NEXT_VERSION}`,
            // The refunded total is still what was read, and rises only within what was paid.
            ConditionExpression: 'refundedCents = :readRefunded AND totalCents >= :refunded',
            ExpressionAttributeNames: { '#status': 'status', ...VERSION_NAMES },
            ExpressionAttributeValues: {
              ...VERSION_VALUES,
              ':refunded': after.purchase.refundedCents,
              ':refundedQuantity': after.refundedQuantity,
              ':lotsReturned': after.lotsReturned,
              ':status': after.purchase.status,
              ':now': after.purchase.updatedAt,
              ':actor': refund.actor,
              ':readRefunded': before.purchase.refundedCents,
            },
          },
        },
      },
      {
        name: 'refund',
        write: {
          Put: {
            TableName: this.tableName,
            // The purchase's refunded total right after this refund: what its first answer showed.
            Item: {
              ...refundKey(refund.purchaseId, refund.id),
              entity: 'REFUND',
              ...refund,
              ...FIRST_VERSION,
              purchaseRefundedCentsAfter: after.purchase.refundedCents,
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      },
      ...operationMarkerWrites(this.tableName, {
        customerId,
        operationId,
        entity: 'REFUND_OPERATION',
        fields: { purchaseId: refund.purchaseId, refundId: refund.id },
      }),
    ];
    try {
      await writeAtomically(this.client, writes);
    } catch (error) {
      if (error instanceof ConditionsFailedError && error.has('operation')) {
        throw new OperationAlreadyAppliedError('refund already made', { cause: error });
      }
      if (lostRace(error, 'account', 'entry', 'purchase')) {
        throw new StaleAccountError('account or purchase changed since they were read', { cause: error });
      }
      throw error;
    }
  }

  async findRefundByOperation(
    customerId: string,
    operationId: string,
  ): Promise<{ refund: Refund; purchase: Purchase; purchaseRefundedCentsAfter: number } | undefined> {
    const marker = await readOperationMarker(this.client, this.tableName, customerId, operationId);
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
    if (!refund.Item || !purchase) return undefined;
    return {
      refund: RefundSchema.parse(refund.Item),
      purchase: purchase.purchase,
      purchaseRefundedCentsAfter: Number(refund.Item.purchaseRefundedCentsAfter),
    };
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
      (item) => RefundSchema.parse(item),
    );
  }
}

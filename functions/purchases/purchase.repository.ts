import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  ALL_PURCHASES_PARTITION,
  creditAccountKey,
  creditOperationKey,
  OPEN_RESERVATIONS_PARTITION,
  purchaseKey,
  purchasePartitionKey,
  purchasesOfCustomerPartition,
  purchasesOfProductPartition,
  REFUND_PREFIX,
  reservationKey,
} from '#shared/db/keys.ts';
import { failedConditionIndexes, isTransactionConflict } from '#shared/db/transactions.ts';
import { InsufficientCreditError } from '#shared/errors.ts';
import { isIssuedId } from '#shared/ids.ts';
import { decodeCursor, encodeCursor, type Page, type PageRequest } from '#shared/pagination.ts';
import { ledgerEntryItems, type TransactItem } from '../credit/credit.repository.ts';
import { StaleAccountError } from '../credit/credit.ts';
import { type Purchase, PurchaseSchema, QuoteSchema, type Refund, RefundSchema } from './purchase.schemas.ts';
import {
  DuplicatePurchaseError,
  type PurchaseCommit,
  type PurchaseFilter,
  type PurchaseRepository,
  type Reservation,
  ReservationChangedError,
  type ReservationStatus,
} from './reservation.ts';

type Item = Record<string, unknown>;

/** Positions of the items in the transactions below. */
const RESERVE = { account: 0, reservation: 1, operation: 2 } as const;
const COMMIT = { account: 0, entry: 1, reservation: 2, purchase: 3 } as const;
const RELEASE = { reservation: 0, account: 1 } as const;

/** The index that serves each listing, and the partition in it. */
function purchaseIndex(filter: PurchaseFilter): { index: 'GSI1' | 'GSI2' | 'GSI3'; partition: string } {
  if (filter.customerId !== undefined) {
    return { index: 'GSI1', partition: purchasesOfCustomerPartition(filter.customerId) };
  }
  if (filter.productId !== undefined) {
    return { index: 'GSI2', partition: purchasesOfProductPartition(filter.productId) };
  }
  return { index: 'GSI3', partition: ALL_PURCHASES_PARTITION };
}

export class DynamoPurchaseRepository implements PurchaseRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async reserve(reservation: Reservation): Promise<'reserved' | 'already-reserved'> {
    const { customerId, purchaseId, totalCents, operationId } = reservation;
    const items: TransactItem[] = [
      {
        // Read-free: the condition is the check. Bumping the version makes a ledger writer that
        // read the account before this hold read it again.
        Update: {
          TableName: this.tableName,
          Key: creditAccountKey(customerId),
          UpdateExpression:
            'SET availableCents = availableCents - :total, heldCents = heldCents + :total, ' +
            'updatedAt = :now, changedBy = :actor ADD #version :one',
          ConditionExpression: 'availableCents >= :total',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: {
            ':total': totalCents,
            ':now': reservation.createdAt,
            ':actor': reservation.actor,
            ':one': 1,
          },
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...reservationKey(purchaseId),
            entity: 'RESERVATION',
            ...reservation,
            GSI3PK: OPEN_RESERVATIONS_PARTITION,
            GSI3SK: `${reservation.createdAt}#${purchaseId}`,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ];
    if (operationId !== undefined) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: { ...creditOperationKey(customerId, operationId), entity: 'PURCHASE_OPERATION', purchaseId },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      });
    }

    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return 'reserved';
    } catch (error) {
      const failed = failedConditionIndexes(error);
      if (failed?.includes(RESERVE.reservation)) return 'already-reserved';
      if (failed?.includes(RESERVE.operation) && operationId !== undefined) {
        const { Item } = await this.client.send(
          new GetCommand({
            TableName: this.tableName,
            Key: creditOperationKey(customerId, operationId),
            ConsistentRead: true,
          }),
        );
        throw new DuplicatePurchaseError(String(Item?.purchaseId));
      }
      if (failed?.includes(RESERVE.account)) {
        const { Item } = await this.client.send(
          new GetCommand({
            TableName: this.tableName,
            Key: creditAccountKey(customerId),
            ConsistentRead: true,
          }),
        );
        throw new InsufficientCreditError({
          customerId,
          availableCents: Number(Item?.availableCents ?? 0),
          requestedCents: totalCents,
        });
      }
      if (isTransactionConflict(error)) throw new StaleAccountError('account busy', { cause: error });
      throw error;
    }
  }

  async getReservation(purchaseId: string): Promise<Reservation | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: reservationKey(purchaseId), ConsistentRead: true }),
    );
    return Item && toReservation(Item);
  }

  markShipping(purchaseId: string, at: string): Promise<void> {
    return this.setStatus(purchaseId, 'SHIPPING', ['PENDING', 'SHIPPING'], at);
  }

  markShipped(purchaseId: string, shipmentId: string, at: string): Promise<void> {
    return this.setStatus(purchaseId, 'SHIPPED', ['SHIPPING'], at, { shipmentId });
  }

  async commit({ reservation, before, after, transaction, purchase }: PurchaseCommit): Promise<void> {
    const { refundableCents: _derived, refunds: _refunds, ...stored } = purchase;
    const items: TransactItem[] = [
      ...ledgerEntryItems(this.tableName, { before, after, transaction }),
      this.closeReservation(
        reservation.purchaseId,
        'COMMITTED',
        'SHIPPED',
        purchase.createdAt,
        reservation.actor,
      ),
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...purchaseKey(purchase.id),
            entity: 'PURCHASE',
            ...stored,
            refundedQuantity: 0,
            changedBy: reservation.actor,
            GSI1PK: purchasesOfCustomerPartition(purchase.customerId),
            GSI1SK: purchase.id,
            GSI2PK: purchasesOfProductPartition(purchase.productId),
            GSI2SK: purchase.id,
            GSI3PK: ALL_PURCHASES_PARTITION,
            GSI3SK: purchase.id,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ];
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      const failed = failedConditionIndexes(error);
      if (failed?.includes(COMMIT.reservation) || failed?.includes(COMMIT.purchase)) {
        throw new ReservationChangedError('reservation is no longer SHIPPED', { cause: error });
      }
      if (
        failed?.includes(COMMIT.account) ||
        failed?.includes(COMMIT.entry) ||
        isTransactionConflict(error)
      ) {
        throw new StaleAccountError('account changed since it was read', { cause: error });
      }
      throw error;
    }
  }

  async release(reservation: Reservation, at: string, actor: string): Promise<void> {
    const { customerId, purchaseId, totalCents, operationId } = reservation;
    const items: TransactItem[] = [
      this.closeReservation(purchaseId, 'RELEASED', reservation.status, at, actor),
      {
        Update: {
          TableName: this.tableName,
          Key: creditAccountKey(customerId),
          UpdateExpression:
            'SET availableCents = availableCents + :total, heldCents = heldCents - :total, ' +
            'updatedAt = :now, changedBy = :actor ADD #version :one',
          // The hold is in the account: anything else is a broken invariant, not a race.
          ConditionExpression: 'heldCents >= :total',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':total': totalCents, ':now': at, ':actor': actor, ':one': 1 },
        },
      },
    ];
    if (operationId !== undefined) {
      // A failed purchase gives its Idempotency-Key back: the client may retry with it.
      items.push({
        Delete: {
          TableName: this.tableName,
          Key: creditOperationKey(customerId, operationId),
          ConditionExpression: 'purchaseId = :purchaseId',
          ExpressionAttributeValues: { ':purchaseId': purchaseId },
        },
      });
    }
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      const failed = failedConditionIndexes(error);
      if (failed?.includes(RELEASE.reservation) || isTransactionConflict(error)) {
        throw new ReservationChangedError(`reservation is no longer ${reservation.status}`, { cause: error });
      }
      if (failed?.includes(RELEASE.account)) {
        throw new Error(`account of ${customerId} does not hold purchase ${purchaseId}`, { cause: error });
      }
      throw error;
    }
  }

  async getPurchase(purchaseId: string): Promise<Purchase | undefined> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': purchasePartitionKey(purchaseId) },
        ConsistentRead: true,
      }),
    );
    const item = Items.find((candidate) => candidate.SK === purchaseKey(purchaseId).SK);
    if (!item) return undefined;
    const refunds = Items.filter((candidate) => String(candidate.SK).startsWith(REFUND_PREFIX))
      .map(toRefund)
      .reverse();
    return { ...toPurchase(item), refunds };
  }

  async listPurchases(filter: PurchaseFilter, page: PageRequest): Promise<Page<Purchase>> {
    const { index, partition } = purchaseIndex(filter);
    const position = decodeCursor(page.cursor, { id: isIssuedId });
    // Both filters: the customer's index, narrowed to the product. A filter applies after Limit,
    // so pages are read until one more than asked is found (or the index ends).
    const narrowToProduct = index === 'GSI1' && filter.productId !== undefined;
    const found: Item[] = [];
    let startKey: Item | undefined = position && {
      ...purchaseKey(position.id),
      [`${index}PK`]: partition,
      [`${index}SK`]: position.id,
    };
    do {
      const input: QueryCommandInput = {
        TableName: this.tableName,
        IndexName: index,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': `${index}PK` },
        ExpressionAttributeValues: { ':pk': partition },
        ScanIndexForward: false,
        Limit: page.limit + 1 - found.length,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      };
      if (narrowToProduct) {
        input.FilterExpression = 'productId = :productId';
        input.ExpressionAttributeValues = {
          ...input.ExpressionAttributeValues,
          ':productId': filter.productId,
        };
      }
      const { Items = [], LastEvaluatedKey } = await this.client.send(new QueryCommand(input));
      found.push(...Items);
      startKey = LastEvaluatedKey;
    } while (startKey && found.length <= page.limit);

    const items = found.slice(0, page.limit);
    const last = items.at(-1);
    return {
      items: items.map(toPurchase),
      nextCursor: found.length > page.limit && last ? encodeCursor({ id: String(last.id) }) : null,
    };
  }

  async listOpenReservations(createdBefore: string, limit: number): Promise<Reservation[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'GSI3',
        KeyConditionExpression: 'GSI3PK = :open AND GSI3SK < :cutoff',
        ExpressionAttributeValues: { ':open': OPEN_RESERVATIONS_PARTITION, ':cutoff': createdBefore },
        Limit: limit,
      }),
    );
    return Items.map(toReservation);
  }

  /** A reservation leaves the open-reservations index when it commits or is released. */
  private closeReservation(
    purchaseId: string,
    status: 'COMMITTED' | 'RELEASED',
    expected: ReservationStatus,
    at: string,
    actor: string,
  ): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: reservationKey(purchaseId),
        UpdateExpression: 'SET #status = :status, updatedAt = :at, changedBy = :actor REMOVE GSI3PK, GSI3SK',
        ConditionExpression: '#status = :expected',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status, ':expected': expected, ':at': at, ':actor': actor },
      },
    };
  }

  private async setStatus(
    purchaseId: string,
    status: ReservationStatus,
    from: readonly ReservationStatus[],
    at: string,
    extra: { shipmentId?: string } = {},
  ): Promise<void> {
    const allowed = Object.fromEntries(from.map((value, index) => [`:from${index}`, value]));
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: reservationKey(purchaseId),
          UpdateExpression: `SET #status = :status, updatedAt = :at${extra.shipmentId ? ', shipmentId = :shipmentId' : ''}`,
          ConditionExpression: `#status IN (${Object.keys(allowed).join(', ')})`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': status,
            ':at': at,
            ...allowed,
            ...(extra.shipmentId ? { ':shipmentId': extra.shipmentId } : {}),
          },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ReservationChangedError(`reservation is not ${from.join(' or ')}`, { cause: error });
      }
      throw error;
    }
  }
}

function toReservation(item: Item): Reservation {
  return {
    purchaseId: String(item.purchaseId),
    customerId: String(item.customerId),
    productId: String(item.productId),
    quote: QuoteSchema.parse(item.quote),
    totalCents: Number(item.totalCents),
    status: String(item.status) as ReservationStatus,
    actor: String(item.actor),
    operationId: item.operationId === undefined ? undefined : String(item.operationId),
    shipmentId: item.shipmentId === undefined ? undefined : String(item.shipmentId),
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}

/** The schemas drop the keys and index attributes; `refundableCents` is derived, never stored. */
export function toPurchase(item: Item): Purchase {
  return PurchaseSchema.parse({
    ...item,
    refundableCents: Number(item.totalCents) - Number(item.refundedCents),
  });
}

export function toRefund(item: Item): Refund {
  return RefundSchema.parse(item);
}

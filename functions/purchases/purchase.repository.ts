import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { getItems, MAIN_TABLE_KEY } from '#shared/db/get-items.ts';
import { FIRST_VERSION } from '#shared/db/item-version.ts';
import {
  allPurchasesPartition,
  allPurchasesPartitions,
  purchaseKey,
  purchasePartitionKey,
  purchasesOfCustomerPartition,
  purchasesOfProductPartition,
  purchasesOfProductPartitions,
  REFUND_PREFIX,
} from '#shared/db/keys.ts';
import { pageOfShards } from '#shared/db/sharded-page.ts';
import type { NamedWrite } from '#shared/db/transactions.ts';
import { isIssuedId } from '#shared/ids.ts';
import { decodeCursor, encodeCursor, type Page, type PageRequest } from '#shared/pagination.ts';
import type { LotDraw } from '../ledger/lots.ts';
import { type Purchase, PurchaseSchema, RefundSchema } from './purchase.schemas.ts';
import type { PurchaseFilter, PurchaseReader } from './purchase.ts';

type Item = Record<string, unknown>;

export class DynamoPurchaseRepository implements PurchaseReader {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

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
      .map((refund) => RefundSchema.parse(refund))
      .reverse();
    return { ...toPurchase(item), refunds };
  }

  /**
   * Newest first. By customer: that customer's GSI1 partition (narrowed to a product when both are
   * asked). By product (GSI2) and all (GSI3): the index's shards, merged. The cursor is the last
   * purchase's id either way.
   */
  async listPurchases(filter: PurchaseFilter, page: PageRequest): Promise<Page<Purchase>> {
    const position = decodeCursor(page.cursor, { id: isIssuedId });
    const { entries, more } =
      filter.customerId === undefined
        ? await pageOfShards(this.client, {
            tableName: this.tableName,
            ...(filter.productId === undefined
              ? {
                  indexName: 'GSI3',
                  partitionKey: 'GSI3PK',
                  sortKey: 'GSI3SK',
                  partitions: allPurchasesPartitions(),
                }
              : {
                  indexName: 'GSI2',
                  partitionKey: 'GSI2PK',
                  sortKey: 'GSI2SK',
                  partitions: purchasesOfProductPartitions(filter.productId),
                }),
            order: 'descending',
            after: position?.id,
            limit: page.limit,
          })
        : await this.ofCustomer(filter.customerId, filter.productId, page.limit, position?.id);
    // The indexes keep keys (and GSI1 the product, for the filter): the page's purchases are read by them.
    const items = await getItems(this.client, this.tableName, entries, MAIN_TABLE_KEY);
    const last = items.at(-1);
    return {
      items: items.map(toPurchase),
      nextCursor: more && last ? encodeCursor({ id: String(last.id) }) : null,
    };
  }

  /**
   * A customer's purchases from one GSI1 partition, optionally narrowed to a product. A filter
   * applies after Limit, so pages are read until one more than asked is found (or the index ends).
   */
  private async ofCustomer(
    customerId: string,
    productId: string | undefined,
    limit: number,
    after: string | undefined,
  ): Promise<{ entries: Item[]; more: boolean }> {
    const partition = purchasesOfCustomerPartition(customerId);
    const found: Item[] = [];
    let startKey: Item | undefined =
      after === undefined
        ? undefined
        : {
            ...purchaseKey(after),
            GSI1PK: partition,
            GSI1SK: after,
          };
    do {
      const input: QueryCommandInput = {
        TableName: this.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': partition },
        ScanIndexForward: false,
        Limit: limit + 1 - found.length,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      };
      if (productId !== undefined) {
        input.FilterExpression = 'productId = :productId';
        input.ExpressionAttributeValues = { ...input.ExpressionAttributeValues, ':productId': productId };
      }
      const { Items = [], LastEvaluatedKey } = await this.client.send(new QueryCommand(input));
      found.push(...Items);
      startKey = LastEvaluatedKey;
    } while (startKey && found.length <= limit);
    return { entries: found.slice(0, limit), more: found.length > limit };
  }
}

/**
 * A new purchase as stored: its keys, its place in each listing, and the purchase without what is
 * derived from the rest (`refundableCents`, the top-level `sku` that repeats `product.sku`: a SKU
 * may be long, and an item holds 400 KB) or kept in items of its own (`refunds`).
 */
export function purchaseItem(purchase: Purchase, actor: string, lotDraws: readonly LotDraw[]): Item {
  const { refundableCents: _derived, sku: _inProduct, refunds: _refunds, ...stored } = purchase;
  return {
    ...purchaseKey(purchase.id),
    entity: 'PURCHASE',
    ...stored,
    ...FIRST_VERSION,
    // The lots its credit came from, for refunds; and what refunds gave back to them so far.
    lotDraws,
    lotsReturned: [],
    refundedQuantity: 0,
    changedBy: actor,
    GSI1PK: purchasesOfCustomerPartition(purchase.customerId),
    GSI1SK: purchase.id,
    GSI2PK: purchasesOfProductPartition(purchase.productId, purchase.id),
    GSI2SK: purchase.id,
    GSI3PK: allPurchasesPartition(purchase.id),
    GSI3SK: purchase.id,
  };
}

/** Commit's write of the purchase: once, by the commit that closes its reservation. */
export function purchaseCreateWrite(
  tableName: string,
  purchase: Purchase,
  actor: string,
  lotDraws: readonly LotDraw[],
): NamedWrite<'purchase'> {
  return {
    name: 'purchase',
    write: {
      Put: {
        TableName: tableName,
        Item: purchaseItem(purchase, actor, lotDraws),
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
  };
}

/**
 * The schemas drop the keys and index attributes; `refundableCents` and `sku` are derived (purchases
 * stored before the SKU was kept once have both copies, which are equal).
 */
export function toPurchase(item: Item): Purchase {
  const product = item.product as { sku?: unknown } | undefined;
  return PurchaseSchema.parse({
    ...item,
    sku: product?.sku,
    refundableCents: Number(item.totalCents) - Number(item.refundedCents),
  });
}

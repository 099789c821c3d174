import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { getItems, MAIN_TABLE_KEY } from '#shared/db/get-items.ts';
import { FIRST_VERSION } from '#shared/db/item-version.ts';
import {
  ALL_PURCHASES_PARTITION,
  purchaseKey,
  purchasePartitionKey,
  purchasesOfCustomerPartition,
  purchasesOfProductPartition,
  REFUND_PREFIX,
} from '#shared/db/keys.ts';
import { isIssuedId } from '#shared/ids.ts';
import { decodeCursor, encodeCursor, type Page, type PageRequest } from '#shared/pagination.ts';
import { type Purchase, PurchaseSchema, RefundSchema } from './purchase.schemas.ts';
import type { PurchaseFilter, PurchaseReader } from './purchase.ts';

type Item = Record<string, unknown>;

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

    // The indexes keep keys (and GSI1 the product, for the filter): the page's purchases are read by them.
    const items = await getItems(this.client, this.tableName, found.slice(0, page.limit), MAIN_TABLE_KEY);
    const last = items.at(-1);
    return {
      items: items.map(toPurchase),
      nextCursor: found.length > page.limit && last ? encodeCursor({ id: String(last.id) }) : null,
    };
  }
}

/**
 * A new purchase as stored: its keys, its place in each listing, and the purchase without what is
 * derived from the rest (`refundableCents`, the top-level `sku` that repeats `product.sku`: a SKU
 * may be long, and an item holds 400 KB) or kept in items of its own (`refunds`).
 */
export function purchaseItem(purchase: Purchase, actor: string): Item {
  const { refundableCents: _derived, sku: _inProduct, refunds: _refunds, ...stored } = purchase;
  return {
    ...purchaseKey(purchase.id),
    entity: 'PURCHASE',
    ...stored,
    ...FIRST_VERSION,
    refundedQuantity: 0,
    changedBy: actor,
    GSI1PK: purchasesOfCustomerPartition(purchase.customerId),
    GSI1SK: purchase.id,
    GSI2PK: purchasesOfProductPartition(purchase.productId),
    GSI2SK: purchase.id,
    GSI3PK: ALL_PURCHASES_PARTITION,
    GSI3SK: purchase.id,
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

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { getItems, MAIN_TABLE_KEY } from '#shared/db/get-items.ts';
import {
  customerSearchKey,
  customerSearchPartition,
  customerSearchPartitions,
  purchaseKey,
} from '#shared/db/keys.ts';
import { pageOfShards } from '#shared/db/sharded-page.ts';
import { decodeCursor, encodeCursor, type Page, type PageRequest } from '#shared/pagination.ts';
import {
  type CustomerPointers,
  FIELD_SEPARATOR,
  type SearchSnapshot,
  type SearchSnapshots,
} from './customer-search.ts';

type Item = Record<string, unknown>;

/** A cursor of the search: the last hit's stored text (normalized name, email and id). */
const isSearchText = (value: string): boolean =>
  value.length <= 1024 && value.split(FIELD_SEPARATOR).length === 3;

/**
 * Search snapshots in the main table: one item per customer in the customer's partition
 * (`SEARCH`), listed in GSI3 under a search shard with the normalized text as its sort key. The
 * index is keys only, so a search matches on the sort key and then reads the page's snapshots.
 */
export class DynamoSearchSnapshots implements SearchSnapshots {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(snapshot: SearchSnapshot, text: string): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...customerSearchKey(snapshot.customerId),
            GSI3PK: customerSearchPartition(snapshot.customerId),
            GSI3SK: text,
            ...snapshot,
          },
          // Unchanged name and email: no write, so the index takes nothing (the check costs one unit here).
          ConditionExpression: 'attribute_not_exists(PK) OR #name <> :name OR email <> :email',
          ExpressionAttributeNames: { '#name': 'name' },
          ExpressionAttributeValues: { ':name': snapshot.name, ':email': snapshot.email },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async matching(text: string, page: PageRequest): Promise<Page<SearchSnapshot>> {
    const position = decodeCursor(page.cursor, { after: isSearchText });
    const { entries, more } = await pageOfShards(this.client, {
      tableName: this.tableName,
      indexName: 'GSI3',
      partitionKey: 'GSI3PK',
      sortKey: 'GSI3SK',
      partitions: customerSearchPartitions(),
      order: 'ascending',
      after: position?.after,
      limit: page.limit,
      // Name and email only: the id after them is looked up exactly, not as a part.
      keep: (entry) =>
        String(entry.GSI3SK)
          .split(FIELD_SEPARATOR)
          .slice(0, 2)
          .some((field) => field.includes(text)),
    });
    const items = (
      await getItems(this.client, this.tableName, entries, MAIN_TABLE_KEY, { consistent: false })
    ).map(toSnapshot);
    const last = entries.at(-1);
    return { items, nextCursor: more && last ? encodeCursor({ after: String(last.GSI3SK) }) : null };
  }

  async get(customerId: string): Promise<SearchSnapshot | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: customerSearchKey(customerId) }),
    );
    return Item ? toSnapshot(Item) : undefined;
  }
}

/** Purchases by id (the purchase item) and by shipment id (GSI4, which projects the customer). */
export class DynamoCustomerPointers implements CustomerPointers {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async customerOfPurchase(purchaseId: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: purchaseKey(purchaseId),
        ProjectionExpression: 'customerId',
      }),
    );
    return typeof Item?.customerId === 'string' ? Item.customerId : undefined;
  }

  async customerOfShipment(shipmentId: string): Promise<string | undefined> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'GSI4',
        KeyConditionExpression: 'shipmentId = :shipment',
        ExpressionAttributeValues: { ':shipment': shipmentId },
        Limit: 2,
      }),
    );
    const customerId = Items.find((item) => typeof item.customerId === 'string')?.customerId;
    return typeof customerId === 'string' ? customerId : undefined;
  }
}

function toSnapshot(item: Item): SearchSnapshot {
  return {
    customerId: String(item.customerId),
    name: String(item.name),
    email: String(item.email),
    refreshedAt: String(item.refreshedAt),
  };
}

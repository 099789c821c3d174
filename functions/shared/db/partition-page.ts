import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor, type Page, type PageRequest, prefixed } from '../pagination.ts';

/**
 * One page, newest first, of the items of a partition whose sort key starts with `prefix` (a
 * customer's ledger, a purchase's refunds). One more item than asked is read, so a last page never
 * points to an empty one. The cursor holds the sort key only, and must start with the prefix.
 * @throws ValidationError for a cursor this list did not give out
 */
export async function pageOfPartition<T>(
  client: DynamoDBDocumentClient,
  query: { tableName: string; partitionKey: string; prefix: string; page: PageRequest },
  toItem: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const { tableName, partitionKey: PK, prefix, page } = query;
  const position = decodeCursor(page.cursor, { SK: prefixed(prefix) });
  const { Items = [] } = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': PK, ':prefix': prefix },
      ScanIndexForward: false,
      Limit: page.limit + 1,
      ConsistentRead: true,
      ...(position ? { ExclusiveStartKey: { PK, SK: position.SK } } : {}),
    }),
  );
  const items = Items.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items: items.map(toItem),
    nextCursor: Items.length > page.limit && last ? encodeCursor({ SK: String(last.SK) }) : null,
  };
}

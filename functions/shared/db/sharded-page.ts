import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

type Item = Record<string, unknown>;

/**
 * Shards read at once. Each query is a few milliseconds in AWS; a page of 64 shards is then 8
 * rounds, and no burst of one page's queries crowds out the service's own calls (DynamoDB Local
 * answers them one or two at a time).
 */
const PARALLEL_QUERIES = 8;

export interface ShardedQuery {
  tableName: string;
  indexName: string;
  /** The index's key attributes. */
  partitionKey: string;
  sortKey: string;
  /** Every shard of the listing's partition (keys.ts). */
  partitions: readonly string[];
  /** Newest (greatest sort key) first, or oldest first. */
  order: 'descending' | 'ascending';
  /** The last sort key of the previous page: this page starts past it. */
  after?: string | undefined;
  /** Only entries whose sort key is below this (the sweeper's cutoff). */
  below?: string | undefined;
  limit: number;
  /**
   * Only the entries this keeps (a search's match). Applied here rather than as a FilterExpression,
   * which may not name an index's keys; DynamoDB charges for the entries read either way. A shard is
   * then read until it has limit + 1 kept entries or ends, so a page may read far more than it returns.
   */
  keep?: ((entry: Item) => boolean) | undefined;
}

/**
 * One page of an index partition split into shards, exactly as if it were one partition: each shard
 * read past the cursor (`sortKey < after`, or `>` oldest first) for up to limit + 1 entries, the
 * shards merged by sort key, and the first limit + 1 kept. That is exact: a shard left unread
 * beyond its limit + 1 entries has all of those ahead of whatever it holds next. Sort keys must be
 * unique across the shards (ids, or times with ids), so the cursor is the last entry's sort key
 * and nothing more. Shards are read in parallel, a few at a time: a page costs one query per shard.
 * @returns the page's index entries (keys, and what the index projects), and whether more follow
 */
export async function pageOfShards(
  client: DynamoDBDocumentClient,
  query: ShardedQuery,
): Promise<{ entries: Item[]; more: boolean }> {
  const { sortKey, order, below, limit } = query;
  const descending = order === 'descending';
  const shards: Item[][] = [];
  for (let start = 0; start < query.partitions.length; start += PARALLEL_QUERIES) {
    const round = query.partitions.slice(start, start + PARALLEL_QUERIES);
    shards.push(
      ...(await Promise.all(round.map((partition) => readShard(client, query, partition, limit + 1)))),
    );
  }
  const compare = (a: Item, b: Item): number =>
    descending
      ? String(b[sortKey]).localeCompare(String(a[sortKey]))
      : String(a[sortKey]).localeCompare(String(b[sortKey]));
  const merged = shards
    .flat()
    .filter((entry) => below === undefined || String(entry[sortKey]) < below)
    .sort(compare)
    .slice(0, limit + 1);
  return { entries: merged.slice(0, limit), more: merged.length > limit };
}

/** Up to `count` entries of one shard past the cursor, in the listing's order. */
async function readShard(
  client: DynamoDBDocumentClient,
  query: ShardedQuery,
  partition: string,
  count: number,
): Promise<Item[]> {
  const { partitionKey, sortKey, order, after, below } = query;
  const descending = order === 'descending';
  // One bound in the key condition: past the cursor, or (oldest first, with no cursor) below the cutoff.
  let condition = '#pk = :pk';
  const values: Record<string, unknown> = { ':pk': partition };
  if (after !== undefined) {
    condition += descending ? ' AND #sk < :after' : ' AND #sk > :after';
    values[':after'] = after;
  } else if (below !== undefined) {
    condition += ' AND #sk < :below';
    values[':below'] = below;
  }
  const found: Item[] = [];
  let startKey: Item | undefined;
  do {
    const input: QueryCommandInput = {
      TableName: query.tableName,
      IndexName: query.indexName,
      KeyConditionExpression: condition,
      ExpressionAttributeNames: {
        '#pk': partitionKey,
        ...(condition.includes('#sk') ? { '#sk': sortKey } : {}),
      },
      ExpressionAttributeValues: values,
      ScanIndexForward: !descending,
      Limit: count - found.length,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    };
    const { Items = [], LastEvaluatedKey } = await client.send(new QueryCommand(input));
    found.push(...(query.keep ? Items.filter(query.keep) : Items));
    // Oldest first, an entry at or past the cutoff means the rest of the shard is too.
    if (below !== undefined && Items.some((entry) => String(entry[sortKey]) >= below)) break;
    startKey = LastEvaluatedKey;
  } while (startKey && found.length < count);
  return found;
}

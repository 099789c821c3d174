import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from '@jest/globals';
import { ulid } from 'ulid';
import {
  ALL_PURCHASE_SHARDS,
  allPurchasesPartition,
  allPurchasesPartitions,
  openReservationsPartition,
  openReservationsPartitions,
  RESERVATION_SHARDS,
  shardOf,
} from '../../functions/shared/db/keys.ts';
import { pageOfShards, type ShardedQuery } from '../../functions/shared/db/sharded-page.ts';
import { freshMainTable } from '../support/tables.ts';

type Client = Awaited<ReturnType<typeof freshMainTable>>['client'];

/** Purchase ids (ULIDs) whose GSI3 shard is one of `shards`, `count` of them. */
function idsInShards(count: number, shards: readonly number[]): string[] {
  const ids: string[] = [];
  while (ids.length < count) {
    const id = ulid();
    if (shards.includes(shardOf(id, ALL_PURCHASE_SHARDS))) ids.push(id);
  }
  return ids;
}

/** Index entries of all purchases, as the Commit writes them (keys only). */
async function putPurchases(client: Client, tableName: string, ids: readonly string[]): Promise<void> {
  for (const id of ids)
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: { PK: `PURCHASE#${id}`, SK: 'PURCHASE', GSI3PK: allPurchasesPartition(id), GSI3SK: id },
      }),
    );
}

/** Every page of a listing, following its cursor as a client would. */
async function allPages(
  client: Client,
  query: Omit<ShardedQuery, 'after'>,
): Promise<{ keys: string[]; pages: number }> {
  const keys: string[] = [];
  let after: string | undefined;
  let pages = 0;
  do {
    const page = await pageOfShards(client, { ...query, after });
    pages += 1;
    keys.push(...page.entries.map((entry) => String(entry[query.sortKey])));
    after = page.more ? keys.at(-1) : undefined;
    if (page.more) expect(page.entries).toHaveLength(query.limit);
  } while (after !== undefined);
  return { keys, pages };
}

const allPurchases = (tableName: string, limit: number) => ({
  tableName,
  indexName: 'GSI3',
  partitionKey: 'GSI3PK',
  sortKey: 'GSI3SK',
  partitions: allPurchasesPartitions(),
  order: 'descending' as const,
  limit,
});

describe('listings of a sharded index partition', () => {
  it('give every purchase once, newest first, across pages, when there are more than one shard holds', async () => {
    const { client, tableName } = await freshMainTable();
    const ids = Array.from({ length: 150 }, () => ulid());
    await putPurchases(client, tableName, ids);
    const perShard = new Map<number, number>();
    for (const id of ids)
      perShard.set(
        shardOf(id, ALL_PURCHASE_SHARDS),
        (perShard.get(shardOf(id, ALL_PURCHASE_SHARDS)) ?? 0) + 1,
      );
    expect(Math.max(...perShard.values())).toBeGreaterThan(7);

    const { keys, pages } = await allPages(client, allPurchases(tableName, 7));

    expect(keys).toEqual([...ids].sort().reverse());
    expect(pages).toBe(Math.ceil(150 / 7));
  });

  it('give the same order when most shards are empty', async () => {
    const { client, tableName } = await freshMainTable();
    const ids = idsInShards(23, [3, 30]);
    await putPurchases(client, tableName, ids);

    const { keys } = await allPages(client, allPurchases(tableName, 4));

    expect(keys).toEqual([...ids].sort().reverse());
  });

  it('give the same order when a single shard holds everything, and end without an empty page', async () => {
    const { client, tableName } = await freshMainTable();
    const ids = idsInShards(21, [17]);
    await putPurchases(client, tableName, ids);

    const { keys, pages } = await allPages(client, allPurchases(tableName, 7));

    expect(keys).toEqual([...ids].sort().reverse());
    expect(pages).toBe(3);
  });

  it('give open reservations oldest first, only those before the cutoff, across the shards', async () => {
    const { client, tableName } = await freshMainTable();
    const start = Date.parse('2026-01-01T00:00:00.000Z');
    const sortKeys: string[] = [];
    for (let n = 0; n < 90; n++) {
      const id = ulid();
      const sortKey = `${new Date(start + n * 1_000).toISOString()}#${id}`;
      sortKeys.push(sortKey);
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            PK: `PURCHASE#${id}`,
            SK: 'RESERVATION',
            GSI3PK: openReservationsPartition(id),
            GSI3SK: sortKey,
          },
        }),
      );
    }
    const cutoff = new Date(start + 70 * 1_000).toISOString();
    expect(openReservationsPartitions()).toHaveLength(RESERVATION_SHARDS);

    const { keys } = await allPages(client, {
      tableName,
      indexName: 'GSI3',
      partitionKey: 'GSI3PK',
      sortKey: 'GSI3SK',
      partitions: openReservationsPartitions(),
      order: 'ascending',
      below: cutoff,
      limit: 8,
    });

    expect(keys).toEqual(sortKeys.slice(0, 70));
  });
});

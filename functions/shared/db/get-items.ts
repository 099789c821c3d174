import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { MAIN_TABLE } from './tables.ts';

type Item = Record<string, unknown>;
type Key = Record<string, unknown>;

/** The main table's key attributes, for `getItems`. */
export const MAIN_TABLE_KEY = [MAIN_TABLE.partitionKey, MAIN_TABLE.sortKey] as const;

/** BatchGetItem's limit on keys per call. */
const BATCH_KEYS = 100;
/** Rounds of asking again for keys DynamoDB left unprocessed (it does under throttling). */
const MAX_ROUNDS = 5;

const keyOf = (key: Key, names: readonly string[]): string => JSON.stringify(names.map((name) => key[name]));

/**
 * The items with these keys, in the keys' order (a key with no item is left out): what a query of
 * a keys-only index reads next. Strongly consistent, so an item an index already lists is there.
 * @throws Error when DynamoDB keeps leaving keys unprocessed
 */
export async function getItems(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Key[],
  keyNames: readonly [string, string],
  options: { consistent?: boolean } = {},
): Promise<Item[]> {
  const found = new Map<string, Item>();
  for (let start = 0; start < keys.length; start += BATCH_KEYS) {
    let pending: Key[] = keys.slice(start, start + BATCH_KEYS).map((key) => ({
      [keyNames[0]]: key[keyNames[0]],
      [keyNames[1]]: key[keyNames[1]],
    }));
    for (let round = 1; pending.length > 0; round++) {
      if (round > MAX_ROUNDS) throw new Error(`${tableName}: ${pending.length} keys left unprocessed`);
      const { Responses, UnprocessedKeys } = await client.send(
        new BatchGetCommand({
          RequestItems: { [tableName]: { Keys: pending, ConsistentRead: options.consistent ?? true } },
        }),
      );
      for (const item of Responses?.[tableName] ?? []) found.set(keyOf(item, keyNames), item);
      pending = (UnprocessedKeys?.[tableName]?.Keys ?? []) as Key[];
      if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** round));
    }
  }
  return keys.flatMap((key) => {
    const item = found.get(keyOf(key, keyNames));
    return item ? [item] : [];
  });
}

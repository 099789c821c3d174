import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from '@jest/globals';
import { getItems, MAIN_TABLE_KEY } from '../../functions/shared/db/get-items.ts';
import { freshMainTable } from '../support/tables.ts';

const key = (n: number) => ({ PK: `ITEM#${String(n).padStart(3, '0')}`, SK: 'ITEM' });

describe('getItems (what a keys-only index listing reads next)', () => {
  it("answers in the keys' order, across BatchGetItem's 100-key calls, leaving out keys with no item", async () => {
    const { client, tableName } = await freshMainTable();
    for (let n = 0; n < 150; n++) {
      if (n === 7) continue;
      await client.send(new PutCommand({ TableName: tableName, Item: { ...key(n), n } }));
    }
    // Newest first, as an index query gives them, with index attributes the read ignores.
    const keys = Array.from({ length: 150 }, (_, i) => ({ ...key(149 - i), GSI3PK: 'X', GSI3SK: String(i) }));

    const items = await getItems(client, tableName, keys, MAIN_TABLE_KEY);

    expect(items.map((item) => item.n)).toEqual(
      Array.from({ length: 150 }, (_, i) => 149 - i).filter((n) => n !== 7),
    );
  });
});

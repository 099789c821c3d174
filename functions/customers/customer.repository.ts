import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { getItems, MAIN_TABLE_KEY } from '#shared/db/get-items.ts';
import { creditAccountKey, KNOWN_CUSTOMERS_PARTITION } from '#shared/db/keys.ts';
import { decodeCursor, encodeCursor, type Page, type PageRequest } from '#shared/pagination.ts';
import { ExternalIdSchema } from '#shared/schemas.ts';
import { accountFromItem, type CreditAccount } from '../ledger/account.ts';
import type { KnownCustomers } from './customers.ts';

const isCustomerId = (value: string): boolean => ExternalIdSchema.safeParse(value).success;

/**
 * The known customers: every credit account is in GSI1 partition `CUSTOMERS`, sorted by customer id
 * (ledger-writes.ts sets both keys on every balance change). One Query per page, never a scan; the
 * sort key never changes, so paging is stable while accounts change. The index is eventually
 * consistent: a page's credit may lag a write by the index's propagation (GET one customer reads the
 * account itself).
 */
export class DynamoKnownCustomers implements KnownCustomers {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async listAccounts(page: PageRequest): Promise<Page<CreditAccount>> {
    const position = decodeCursor(page.cursor, { customerId: isCustomerId });
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :known',
        ExpressionAttributeValues: { ':known': KNOWN_CUSTOMERS_PARTITION },
        // One more than asked, so a last page never points to an empty one.
        Limit: page.limit + 1,
        ...(position
          ? {
              ExclusiveStartKey: {
                ...creditAccountKey(position.customerId),
                GSI1PK: KNOWN_CUSTOMERS_PARTITION,
                GSI1SK: position.customerId,
              },
            }
          : {}),
      }),
    );
    // The index keeps keys only: the page's accounts are read by them.
    const items = (
      await getItems(this.client, this.tableName, Items.slice(0, page.limit), MAIN_TABLE_KEY)
    ).map(accountFromItem);
    const last = items.at(-1);
    return {
      items,
      nextCursor: Items.length > page.limit && last ? encodeCursor({ customerId: last.customerId }) : null,
    };
  }
}

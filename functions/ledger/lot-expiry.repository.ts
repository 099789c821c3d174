import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { lotsDuePartitions } from '#shared/db/keys.ts';
import { pageOfShards } from '#shared/db/sharded-page.ts';
import { writeAtomically } from '#shared/db/transactions.ts';
import { decodeCursor, encodeCursor, matching, type Page, type PageRequest } from '#shared/pagination.ts';
import { type AccountWrite, EXPIRY_ACTOR } from './account.ts';
import { StaleAccountError } from './errors.ts';
import type { LotExpiryStore } from './expire-lots.ts';
import { accountWrites, DynamoAccountReader, lostRace } from './ledger-writes.ts';

/** The expiry run's store: GSI2's due-lot shards (keys.ts), and the ledger's own account writes. */
export class DynamoLotExpiryStore extends DynamoAccountReader implements LotExpiryStore {
  constructor(
    private readonly documentClient: DynamoDBDocumentClient,
    private readonly table: string,
  ) {
    super(documentClient, table);
  }

  async listDue(dueBy: string, page: PageRequest): Promise<Page<string>> {
    // `{dueAt}#{customerId}`, as accountWrites keys the entry.
    const position = decodeCursor(page.cursor, { GSI2SK: matching(/^\d{4}-\d{2}-\d{2}T[^#]+#.+$/s) });
    const { entries, more } = await pageOfShards(this.documentClient, {
      tableName: this.table,
      indexName: 'GSI2',
      partitionKey: 'GSI2PK',
      sortKey: 'GSI2SK',
      partitions: lotsDuePartitions(),
      order: 'ascending',
      after: position?.GSI2SK,
      // Every entry due at or before `dueBy` ('~' sorts after '#' and every id).
      below: `${dueBy}~`,
      limit: page.limit,
    });
    const last = entries.at(-1);
    return {
      items: entries.map((entry) => String(entry.GSI2SK).slice(String(entry.GSI2SK).indexOf('#') + 1)),
      nextCursor: more && last ? encodeCursor({ GSI2SK: String(last.GSI2SK) }) : null,
    };
  }

  async writeAccount(write: AccountWrite): Promise<void> {
    try {
      await writeAtomically(this.documentClient, accountWrites(this.table, write, EXPIRY_ACTOR));
    } catch (error) {
      if (lostRace(error, 'account', 'entry')) {
        throw new StaleAccountError('account changed since it was read', { cause: error });
      }
      throw error;
    }
  }
}

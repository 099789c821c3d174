import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { getItems } from '#shared/db/get-items.ts';
import { auditTypePartitions } from '#shared/db/keys.ts';
import { pageOfShards } from '#shared/db/sharded-page.ts';
import { AUDIT_TABLE } from '#shared/db/tables.ts';
import { ConditionsFailedError, writeAtomically } from '#shared/db/transactions.ts';
import { decodeCursor, encodeCursor, matching, type Page, type PageRequest } from '#shared/pagination.ts';
import { type AuditEntityType, AuditEntityTypeSchema, type StoredAuditRecord } from './audit.schemas.ts';
import type { AuditRepository } from './audit.ts';
import {
  entityPartition,
  hasParts,
  partsQuery,
  recordFromItems,
  recordItems,
  timeKeyOf,
} from './audit-items.ts';

type Item = Record<string, unknown>;

/** The shapes of a sequence key and of the index sort key `{at}#{event id}`, for cursors. */
const SEQUENCE_KEY = /^SEQ#\d{12}$/;
const TIME_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z#.+$/s;
const auditedTypes = (type: AuditEntityType | undefined): readonly AuditEntityType[] =>
  type === undefined ? AuditEntityTypeSchema.options : [type];
const KEY_NAMES = [AUDIT_TABLE.partitionKey, AUDIT_TABLE.sortKey] as const;

/**
 * The audit table. Records are only ever put, each with a condition that its place is free:
 * together with IAM (only the projector may put; nobody may update or delete) that is what makes it
 * append-only. A record's place is its entity and version, so storing a change is one conditional
 * put, and a redelivered change finds its place taken by itself. A record too large for one item
 * keeps its images in parts, written in the same transaction (see audit-items.ts).
 */
export class DynamoAuditRepository implements AuditRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async append(record: StoredAuditRecord): Promise<boolean> {
    const { record: item, parts } = recordItems(record);
    // The place in the entity's sequence is free (a part is new whenever its record is).
    const free = 'attribute_not_exists(PK)';
    try {
      if (parts.length === 0) {
        await this.client.send(
          new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: free }),
        );
      } else {
        await writeAtomically(this.client, [
          {
            name: 'record',
            write: { Put: { TableName: this.tableName, Item: item, ConditionExpression: free } },
          },
          ...parts.map((part, index) => ({
            name: `part-${index}`,
            write: { Put: { TableName: this.tableName, Item: part, ConditionExpression: free } },
          })),
        ]);
      }
      return true;
    } catch (error) {
      const taken =
        error instanceof ConditionalCheckFailedException ||
        (error instanceof ConditionsFailedError && error.has('record'));
      if (!taken) throw error;
    }
    const { Item: holder } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: item.PK, SK: item.SK },
        ConsistentRead: true,
      }),
    );
    if (holder?.id === record.id) return false;
    throw new Error(
      `audit ${String(item.PK)} ${String(item.SK)} holds change ${String(holder?.id)}, not ${record.id}: two changes claim version ${record.sequence}`,
    );
  }

  list(
    filter: { entityType?: AuditEntityType | undefined; entityId?: string | undefined },
    page: PageRequest,
  ): Promise<Page<StoredAuditRecord>> {
    if (filter.entityType !== undefined && filter.entityId !== undefined) {
      return this.listEntity(entityPartition(filter.entityType, filter.entityId), page);
    }
    return this.listByTime(auditedTypes(filter.entityType), page);
  }

  /** One entity's records, newest first. */
  private async listEntity(partition: string, page: PageRequest): Promise<Page<StoredAuditRecord>> {
    const position = decodeCursor(page.cursor, { PK: (pk) => pk === partition, SK: matching(SEQUENCE_KEY) });
    const input: QueryCommandInput = {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': partition },
      ScanIndexForward: false,
      Limit: page.limit + 1,
      ConsistentRead: true,
      ...(position ? { ExclusiveStartKey: { PK: position.PK, SK: position.SK } } : {}),
    };
    const { Items = [] } = await this.client.send(new QueryCommand(input));
    const items = Items.slice(0, page.limit);
    const last = items.at(-1);
    return {
      items: await Promise.all(items.map((item) => this.withImages(item))),
      nextCursor:
        Items.length > page.limit && last ? encodeCursor({ PK: String(last.PK), SK: String(last.SK) }) : null,
    };
  }

  /**
   * The records of these entity types, newest first: every shard of each type's index partition,
   * read from the cursor's time on and merged (sharded-page.ts), then the page's records read by
   * their keys. The cursor is the last record's `{at}#{id}`, which is unique, so "older than it" is
   * exact in every shard.
   */
  private async listByTime(
    types: readonly AuditEntityType[],
    page: PageRequest,
  ): Promise<Page<StoredAuditRecord>> {
    const position = decodeCursor(page.cursor, { at: matching(TIME_KEY) });
    const { entries, more } = await pageOfShards(this.client, {
      tableName: this.tableName,
      indexName: 'GSI1',
      partitionKey: 'GSI1PK',
      sortKey: 'GSI1SK',
      partitions: types.flatMap(auditTypePartitions),
      order: 'descending',
      after: position?.at,
      limit: page.limit,
    });
    const items = await getItems(this.client, this.tableName, entries, KEY_NAMES);
    const records = await Promise.all(items.map((item) => this.withImages(item)));
    const last = records.at(-1);
    return {
      items: records,
      nextCursor: more && last ? encodeCursor({ at: timeKeyOf(last) }) : null,
    };
  }

  /** The record, with its images read back from their parts when it keeps them there. */
  private async withImages(item: Item): Promise<StoredAuditRecord> {
    if (!hasParts(item)) return recordFromItems(item, []);
    const query = partsQuery(String(item.id));
    const parts: Item[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: query.condition,
          ExpressionAttributeValues: query.values,
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      parts.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return recordFromItems(item, parts);
  }
}

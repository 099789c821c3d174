import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConditionsFailedError, writeAtomically } from '#shared/db/transactions.ts';
import {
  decodeCursor,
  encodeCursor,
  matching,
  type Page,
  type PageRequest,
  prefixed,
} from '#shared/pagination.ts';
import { type AuditEntityType, AuditEntityTypeSchema, type AuditRecord } from './audit.schemas.ts';
import type { AuditEntry, AuditRepository } from './audit.ts';
import {
  ALL_RECORDS_PARTITION,
  entityPartition,
  eventKey,
  hasParts,
  partsQuery,
  recordFromItems,
  recordItems,
  SEQUENCE_KEY_PREFIX as SEQUENCE_PREFIX,
  typePartition,
} from './audit-items.ts';

/** Attempts at taking the entity's next sequence number (only a second projector could take it first). */
const MAX_ATTEMPTS = 5;

/** The shapes of a sequence key and of the index sort key `{at}#{event id}`, for cursors. */
const SEQUENCE_KEY = /^SEQ#\d{12}$/;
const TIME_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z#.+$/s;
const auditedTypes = (type: AuditEntityType | undefined): readonly AuditEntityType[] =>
  type === undefined ? AuditEntityTypeSchema.options : [type];

/**
 * The audit table. Records are only ever put, each with a condition that it is new: together with
 * IAM (only the projector may put; nobody may update or delete) that is what makes it append-only.
 * A marker per stream record makes a redelivered record a no-op. A record too large for one item
 * keeps its images in parts, written in the same transaction (see audit-items.ts).
 */
export class DynamoAuditRepository implements AuditRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async append(entry: AuditEntry): Promise<boolean> {
    const { Item: seen } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: eventKey(entry.id), ConsistentRead: true }),
    );
    if (seen) return false;
    const PK = entityPartition(entry.entityType, entry.entityId);

    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const { Items = [] } = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': PK, ':prefix': SEQUENCE_PREFIX },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      );
      const sequence = Number(Items[0]?.sequence ?? 0) + 1;
      const { record, parts } = recordItems({ ...entry, sequence });
      try {
        await writeAtomically(this.client, [
          {
            name: 'event',
            write: {
              Put: {
                TableName: this.tableName,
                Item: { ...eventKey(entry.id), entity: PK, sequence },
                // This stream record was not stored before (a redelivery finds its marker).
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
          },
          {
            name: 'record',
            write: {
              Put: {
                TableName: this.tableName,
                Item: record,
                // The sequence slot is free: no other projector took it.
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
          },
          // Under the marker's partition: new whenever the marker is.
          ...parts.map((part, index) => ({
            name: `part-${index}`,
            write: {
              Put: { TableName: this.tableName, Item: part, ConditionExpression: 'attribute_not_exists(PK)' },
            },
          })),
        ]);
        return true;
      } catch (error) {
        if (!(error instanceof ConditionsFailedError)) throw error;
        if (error.has('event')) return false;
      }
    }
    throw new Error(`no free audit sequence for ${PK}`);
  }

  async list(
    filter: { entityType?: AuditEntityType | undefined; entityId?: string | undefined },
    page: PageRequest,
  ): Promise<Page<AuditRecord>> {
    const byEntity = filter.entityType !== undefined && filter.entityId !== undefined;
    const index = byEntity ? undefined : filter.entityType !== undefined ? 'GSI1' : 'GSI2';
    const partition = byEntity
      ? entityPartition(filter.entityType ?? '', filter.entityId ?? '')
      : filter.entityType !== undefined
        ? typePartition(filter.entityType)
        : ALL_RECORDS_PARTITION;
    const [pkName, skName] = index === undefined ? ['PK', 'SK'] : [`${index}PK`, `${index}SK`];

    const position = decodeCursor(page.cursor, {
      // The entity the list is of, an entity of the listed type, or any audited entity.
      PK: byEntity
        ? (pk) => pk === partition
        : (pk) => auditedTypes(filter.entityType).some((type) => prefixed(`${type}#`)(pk)),
      SK: matching(SEQUENCE_KEY),
      at: matching(TIME_KEY),
    });
    const input: QueryCommandInput = {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': pkName },
      ExpressionAttributeValues: { ':pk': partition },
      ScanIndexForward: false,
      Limit: page.limit + 1,
      ...(index === undefined ? { ConsistentRead: true } : { IndexName: index }),
      ...(position
        ? {
            ExclusiveStartKey: {
              PK: position.PK,
              SK: position.SK,
              ...(index === undefined ? {} : { [pkName]: partition, [skName]: position.at }),
            },
          }
        : {}),
    };
    const { Items = [] } = await this.client.send(new QueryCommand(input));
    const items = Items.slice(0, page.limit);
    const last = items.at(-1);
    return {
      items: await Promise.all(items.map((item) => this.withImages(item))),
      nextCursor:
        Items.length > page.limit && last
          ? encodeCursor({
              PK: String(last.PK),
              SK: String(last.SK),
              at: `${String(last.at)}#${String(last.id)}`,
            })
          : null,
    };
  }

  /** The record, with its images read back from their parts when it keeps them there. */
  private async withImages(item: Record<string, unknown>): Promise<AuditRecord> {
    if (!hasParts(item)) return recordFromItems(item, []);
    const query = partsQuery(String(item.id));
    const parts: Record<string, unknown>[] = [];
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

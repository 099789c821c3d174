import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { failedConditionIndexes } from '#shared/db/transactions.ts';
import {
  decodeCursor,
  encodeCursor,
  matching,
  type Page,
  type PageRequest,
  prefixed,
} from '#shared/pagination.ts';
import {
  type AuditEntityType,
  AuditEntityTypeSchema,
  type AuditRecord,
  AuditRecordSchema,
} from './audit.schemas.ts';
import type { AuditEntry, AuditRepository } from './audit.ts';

const SEQUENCE_PREFIX = 'SEQ#';
const ALL = 'ALL';
/** Attempts at taking the entity's next sequence number (only a second projector could take it first). */
const MAX_ATTEMPTS = 5;

const entityPartition = (type: string, id: string): string => `${type}#${id}`;
const eventKey = (eventId: string) => ({ PK: `EVENT#${eventId}`, SK: 'EVENT' });
const sequenceKey = (sequence: number): string => `${SEQUENCE_PREFIX}${String(sequence).padStart(12, '0')}`;
/** The shapes of `sequenceKey` and of the index sort key `{at}#{event id}`, for cursors. */
const SEQUENCE_KEY = /^SEQ#\d{12}$/;
const TIME_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z#.+$/s;
const auditedTypes = (type: AuditEntityType | undefined): readonly AuditEntityType[] =>
  type === undefined ? AuditEntityTypeSchema.options : [type];

/**
 * The audit table. Records are only ever put, each with a condition that it is new: together with
 * IAM (only the projector may put; nobody may update or delete) that is what makes it append-only.
 * A marker per stream record makes a redelivered record a no-op.
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
    const timeKey = `${entry.at}#${entry.id}`;

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
      const record: AuditRecord = { ...entry, sequence };
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tableName,
                  Item: { ...eventKey(entry.id), entity: PK, sequence },
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
              {
                Put: {
                  TableName: this.tableName,
                  Item: {
                    PK,
                    SK: sequenceKey(sequence),
                    GSI1PK: `TYPE#${entry.entityType}`,
                    GSI1SK: timeKey,
                    GSI2PK: ALL,
                    GSI2SK: timeKey,
                    ...record,
                  },
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
            ],
          }),
        );
        return true;
      } catch (error) {
        const failed = failedConditionIndexes(error);
        if (failed?.includes(0)) return false;
        if (!failed?.includes(1)) throw error;
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
        ? `TYPE#${filter.entityType}`
        : ALL;
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
      items: items.map((item) => AuditRecordSchema.parse(item)),
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
}

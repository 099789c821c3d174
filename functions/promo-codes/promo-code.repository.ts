import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { getItems, MAIN_TABLE_KEY } from '#shared/db/get-items.ts';
import { FIRST_VERSION, NEXT_VERSION, VERSION_NAMES, VERSION_VALUES } from '#shared/db/item-version.ts';
import { ALL_PROMO_CODES_PARTITION, promoCodeKey } from '#shared/db/keys.ts';
import { ConflictError, NotFoundError } from '#shared/errors.ts';
import { decodeCursor, encodeCursor, matching, type Page, type PageRequest } from '#shared/pagination.ts';
import {
  type CreatePromoCodeRequest,
  PromoCodeSchema,
  type UpdatePromoCodeRequest,
} from './promo-code.schemas.ts';
import type { PromoCode, PromoCodeReader } from './promo-code.ts';

type Item = Record<string, unknown>;

const CODE_CURSOR = { code: matching(/^[A-Z0-9_-]{3,32}$/) };

export class DynamoPromoCodeRepository implements PromoCodeReader {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** @throws ConflictError when the code exists (codes are never deleted, so never reused) */
  async create(request: CreatePromoCodeRequest, at: string, actor: string): Promise<PromoCode> {
    const promo: PromoCode = {
      ...request,
      active: true,
      redemptions: 0,
      claimedRedemptions: 0,
      createdAt: at,
      updatedAt: at,
    };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...promoCodeKey(promo.code),
            entity: 'PROMO_CODE',
            ...promo,
            ...FIRST_VERSION,
            changedBy: actor,
            GSI3PK: ALL_PROMO_CODES_PARTITION,
            GSI3SK: promo.code,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new ConflictError(`The promo code ${promo.code} exists already.`, { cause: error });
      throw error;
    }
    return promo;
  }

  async getPromoCode(code: string): Promise<PromoCode | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: promoCodeKey(code), ConsistentRead: true }),
    );
    return Item && toPromoCode(Item);
  }

  /** Codes in alphabetical order. */
  async listPromoCodes(page: PageRequest): Promise<Page<PromoCode>> {
    const position = decodeCursor(page.cursor, CODE_CURSOR);
    const { Items = [], LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'GSI3',
        KeyConditionExpression: 'GSI3PK = :pk',
        ExpressionAttributeValues: { ':pk': ALL_PROMO_CODES_PARTITION },
        Limit: page.limit,
        ...(position
          ? {
              ExclusiveStartKey: {
                ...promoCodeKey(position.code),
                GSI3PK: ALL_PROMO_CODES_PARTITION,
                GSI3SK: position.code,
              },
            }
          : {}),
      }),
    );
    // The index keeps keys only: the page's codes are read by them.
    const items = await getItems(this.client, this.tableName, Items, MAIN_TABLE_KEY);
    const last = items.at(-1);
    return {
      items: items.map(toPromoCode),
      nextCursor: LastEvaluatedKey && last ? encodeCursor({ code: String(last.code) }) : null,
    };
  }

  /** @throws NotFoundError PROMO_CODE_NOT_FOUND */
  async update(code: string, change: UpdatePromoCodeRequest, at: string, actor: string): Promise<PromoCode> {
    const fields = Object.entries(change).filter(([, value]) => value !== undefined);
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: promoCodeKey(code),
          UpdateExpression: `SET ${[...fields.map(([name]) => `#${name} = :${name}`), 'updatedAt = :at', 'changedBy = :actor', NEXT_VERSION].join(', ')}`,
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeNames: {
            ...Object.fromEntries(fields.map(([name]) => [`#${name}`, name])),
            ...VERSION_NAMES,
          },
          ExpressionAttributeValues: {
            ...VERSION_VALUES,
            ...Object.fromEntries(fields.map(([name, value]) => [`:${name}`, value])),
            ':at': at,
            ':actor': actor,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toPromoCode(Attributes ?? {});
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new NotFoundError(
          'PROMO_CODE_NOT_FOUND',
          `There is no promo code ${code}.`,
          { code },
          { cause: error },
        );
      throw error;
    }
  }
}

function toPromoCode(item: Item): PromoCode {
  return {
    ...PromoCodeSchema.parse(item),
    claimedRedemptions: Number(item.claimedRedemptions ?? 0),
  };
}

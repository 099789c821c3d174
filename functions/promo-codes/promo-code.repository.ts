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
import {
  ALL_PROMO_CODES_PARTITION,
  PROMO_CODE_SHARDS,
  promoCodeKey,
  promoShardKey,
} from '#shared/db/keys.ts';
import { ConflictError, NotFoundError } from '#shared/errors.ts';
import { decodeCursor, encodeCursor, matching, type Page, type PageRequest } from '#shared/pagination.ts';
import {
  type CreatePromoCodeRequest,
  PromoCodeSchema,
  type UpdatePromoCodeRequest,
} from './promo-code.schemas.ts';
import {
  allotments,
  type PromoCode,
  type PromoCodeReader,
  PromoLimitBelowClaimedError,
  type PromoShard,
} from './promo-code.ts';
import { PROMO_SHARD_ENTITY } from './promo-redemption-writes.ts';

type Item = Record<string, unknown>;

const CODE_CURSOR = { code: matching(/^[A-Z0-9_-]{3,32}$/) };
const SHARDS = Array.from({ length: PROMO_CODE_SHARDS }, (_, shard) => shard);
/** Rounds of re-reading the shards when claims land while a new limit is being spread over them. */
const LIMIT_ATTEMPTS = 5;
/** Shard writes at once: a code's 32 in four rounds, never a burst that crowds out the purchases. */
const PARALLEL_WRITES = 8;

/** `write` for every item, a few at a time. */
async function inRounds<T>(items: readonly T[], write: (item: T) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < items.length; start += PARALLEL_WRITES)
    await Promise.all(items.slice(start, start + PARALLEL_WRITES).map(write));
}

export class DynamoPromoCodeRepository implements PromoCodeReader {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * The code, then its counter shards (a limited code's with its limit split over them). A claim
   * needs both: until the shards are there, a limited code refuses as exhausted.
   * @throws ConflictError when the code exists (codes are never deleted, so never reused)
   */
  async create(request: CreatePromoCodeRequest, at: string, actor: string): Promise<PromoCode> {
    const promo: PromoCode = {
      ...request,
      active: true,
      redemptions: 0,
      claimedRedemptions: 0,
      createdAt: at,
      updatedAt: at,
    };
    const { redemptions: _redemptions, claimedRedemptions: _claimed, ...stored } = promo;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...promoCodeKey(promo.code),
            entity: 'PROMO_CODE',
            ...stored,
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
    const split =
      request.maxRedemptions === undefined
        ? undefined
        : allotments(
            promo.code,
            SHARDS.map(() => 0),
            request.maxRedemptions,
          );
    await inRounds(SHARDS, (shard) =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...promoShardKey(promo.code, shard),
            entity: PROMO_SHARD_ENTITY,
            code: promo.code,
            shard,
            claimed: 0,
            redeemed: 0,
            ...(split === undefined ? {} : { allotment: split[shard] }),
          },
        }),
      ),
    );
    return promo;
  }

  async getPromoCode(code: string): Promise<PromoCode | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: promoCodeKey(code), ConsistentRead: true }),
    );
    // The counts as shown (and the quote's early "exhausted"): eventually consistent, at half the
    // price; the claims themselves are conditional writes.
    return Item && toPromoCode(Item, await this.shardsOf(code, { consistent: false }));
  }

  /** The code's counter shards as they are now (one that is not there counts nothing). */
  async shardsOf(code: string, options: { consistent?: boolean } = {}): Promise<PromoShard[]> {
    const items = await getItems(
      this.client,
      this.tableName,
      SHARDS.map((shard) => ({ ...promoShardKey(code, shard) })),
      MAIN_TABLE_KEY,
      options,
    );
    const found = new Map(items.map((item) => [Number(item.shard), item]));
    return SHARDS.map((shard) => toShard(shard, found.get(shard)));
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
    // The index keeps keys only: the page's codes are read by them, with their shards.
    const items = await getItems(this.client, this.tableName, Items, MAIN_TABLE_KEY);
    const codes = await Promise.all(
      items.map(async (item) => toPromoCode(item, await this.shardsOf(String(item.code)))),
    );
    const last = codes.at(-1);
    return {
      items: codes,
      nextCursor: LastEvaluatedKey && last ? encodeCursor({ code: last.code }) : null,
    };
  }

  /**
   * A new `maxRedemptions` is spread over the shards first (on top of what each has claimed), then
   * written on the code with the other changes.
   * @throws NotFoundError PROMO_CODE_NOT_FOUND
   * @throws PromoLimitBelowClaimedError (409 CONFLICT) for a limit below what is claimed; nothing changes
   */
  async update(code: string, change: UpdatePromoCodeRequest, at: string, actor: string): Promise<PromoCode> {
    const before = await this.getPromoCode(code);
    if (!before) throw notFound(code);
    if (change.maxRedemptions !== undefined)
      await this.spreadLimit(code, change.maxRedemptions, before.maxRedemptions);
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
      return toPromoCode(Attributes ?? {}, await this.shardsOf(code));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw notFound(code, error);
      throw error;
    }
  }

  /**
   * Gives each shard its part of `limit`: never less than it has claimed, each write conditional
   * on that still being so. Lowered shards are written before raised ones, so the shards together
   * never allow more than the larger of the old and the new limit. A claim that lands in between
   * fails a write: the shards are read again and the split made again.
   * @throws PromoLimitBelowClaimedError when more than `limit` is claimed (the shards then keep, or
   * get back, `previous`)
   */
  private async spreadLimit(code: string, limit: number, previous: number | undefined): Promise<void> {
    let written = false;
    for (let attempt = 1; attempt <= LIMIT_ATTEMPTS; attempt++) {
      const shards = await this.shardsOf(code);
      let target: number[];
      try {
        target = allotments(
          code,
          shards.map((shard) => shard.claimed),
          limit,
        );
      } catch (error) {
        // Claims landed while the new limit was being spread: the shards get the old one back.
        if (written && error instanceof PromoLimitBelowClaimedError) await this.restoreLimit(code, previous);
        throw error;
      }
      const changes = shards
        .map((shard) => ({ ...shard, next: target[shard.shard] ?? 0 }))
        .filter((shard) => shard.next !== shard.allotment);
      const lowered = changes.filter(
        (shard) => shard.allotment === undefined || shard.next < shard.allotment,
      );
      const raised = changes.filter((shard) => !lowered.includes(shard));
      try {
        for (const group of [lowered, raised]) {
          written = written || group.length > 0;
          await inRounds(group, (shard) => this.setAllotment(code, shard.shard, shard.next));
        }
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    throw new ConflictError(
      `The promo code ${code} is being redeemed too fast to change its limit; try again.`,
    );
  }

  private async setAllotment(code: string, shard: number, allotment: number): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: promoShardKey(code, shard),
        UpdateExpression:
          'SET allotment = :allotment, entity = :entity, #code = :code, #shard = :shard,' +
          ' claimed = if_not_exists(claimed, :zero), redeemed = if_not_exists(redeemed, :zero)',
        // No claim landed since the shards were read that the new allotment would not cover.
        ConditionExpression: 'attribute_not_exists(claimed) OR claimed <= :allotment',
        ExpressionAttributeNames: { '#code': 'code', '#shard': 'shard' },
        ExpressionAttributeValues: {
          ':allotment': allotment,
          ':entity': PROMO_SHARD_ENTITY,
          ':code': code,
          ':shard': shard,
          ':zero': 0,
        },
      }),
    );
  }

  /** The limit the code had, on its shards again (none: the allotments are removed). */
  private async restoreLimit(code: string, limit: number | undefined): Promise<void> {
    if (limit !== undefined) {
      await this.spreadLimit(code, limit, undefined);
      return;
    }
    await inRounds(SHARDS, (shard) =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: promoShardKey(code, shard),
          UpdateExpression: 'REMOVE allotment',
        }),
      ),
    );
  }
}

const notFound = (code: string, cause?: unknown): NotFoundError =>
  new NotFoundError('PROMO_CODE_NOT_FOUND', `There is no promo code ${code}.`, { code }, { cause });

function toShard(shard: number, item: Item | undefined): PromoShard {
  return {
    shard,
    claimed: Number(item?.claimed ?? 0),
    redeemed: Number(item?.redeemed ?? 0),
    allotment: item?.allotment === undefined ? undefined : Number(item.allotment),
  };
}

/** The code, with `redemptions` and `claimedRedemptions` summed over its shards. */
function toPromoCode(item: Item, shards: readonly PromoShard[]): PromoCode {
  const sum = (field: 'claimed' | 'redeemed'): number =>
    shards.reduce((total, shard) => total + shard[field], 0);
  return {
    ...PromoCodeSchema.parse({ ...item, redemptions: sum('redeemed') }),
    claimedRedemptions: sum('claimed'),
  };
}

import { promoCustomerKey, promoShardKey } from '#shared/db/keys.ts';
import type { NamedWrite } from '#shared/db/transactions.ts';

/**
 * A purchase's use of a promo code, as writes that go into the saga's own transactions: Reserve
 * claims it, Release gives it back, Commit counts it as redeemed. Each goes to one counter shard of
 * the code (keys.ts), the one the reservation names: `claimed` counts the purchases that hold or
 * used a redemption from it, `redeemed` the completed ones. A limited code's shard has an
 * `allotment`, its part of `maxRedemptions`, and each claim is conditional on it, so concurrent
 * purchases never pass the limit; the customer's `claimed` (in the customer's partition) keeps
 * `maxRedemptionsPerCustomer` the same way. The code item itself is not written: whether the code
 * is active and in its window is the quote's check (a fresh, consistent read a moment before).
 */
export interface Redemption {
  code: string;
  customerId: string;
  /** The counter shard the purchase claims from (and Release and Commit write back to). */
  shard: number;
}

export const PROMO_SHARD_ENTITY = 'PROMO_SHARD';

/**
 * Reserve: a redemption is claimed from the shard, within its allotment when the code is limited.
 * An unlimited code's claim requires that the shard still has no allotment: if a limit was set
 * since the quote read the code, the claim fails and is made again as a limited one.
 */
export function claimRedemptionWrites(
  tableName: string,
  redemption: Redemption & { limited: boolean; maxPerCustomer?: number | undefined },
): NamedWrite<'promo' | 'promo-customer'>[] {
  const { code, customerId, shard, limited, maxPerCustomer } = redemption;
  return [
    {
      name: 'promo',
      write: {
        Update: {
          TableName: tableName,
          Key: promoShardKey(code, shard),
          UpdateExpression: 'ADD claimed :one SET entity = :entity, #code = :code, #shard = :shard',
          // Limited: a redemption of this shard's allotment is left (no shard item: none is).
          ConditionExpression: limited ? 'claimed < allotment' : 'attribute_not_exists(allotment)',
          ExpressionAttributeNames: { '#code': 'code', '#shard': 'shard' },
          ExpressionAttributeValues: {
            ':one': 1,
            ':entity': PROMO_SHARD_ENTITY,
            ':code': code,
            ':shard': shard,
          },
        },
      },
    },
    {
      name: 'promo-customer',
      write: {
        Update: {
          TableName: tableName,
          Key: promoCustomerKey(code, customerId),
          UpdateExpression: 'ADD claimed :one SET entity = :entity, #code = :code, customerId = :customerId',
          ExpressionAttributeNames: { '#code': 'code' },
          ...(maxPerCustomer === undefined
            ? {}
            : { ConditionExpression: 'attribute_not_exists(claimed) OR claimed < :max' }),
          ExpressionAttributeValues: {
            ':one': 1,
            ':entity': 'PROMO_REDEMPTIONS',
            ':code': code,
            ':customerId': customerId,
            ...(maxPerCustomer === undefined ? {} : { ':max': maxPerCustomer }),
          },
        },
      },
    },
  ];
}

/** Release: the purchase failed, so its claim is given back to the shard it came from. */
export function releaseRedemptionWrites(
  tableName: string,
  redemption: Redemption,
): NamedWrite<'promo' | 'promo-customer'>[] {
  const { code, customerId, shard } = redemption;
  return [
    {
      name: 'promo',
      write: {
        Update: {
          TableName: tableName,
          Key: promoShardKey(code, shard),
          UpdateExpression: 'ADD claimed :minusOne',
          ConditionExpression: 'claimed > :zero',
          ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
        },
      },
    },
    {
      name: 'promo-customer',
      write: {
        Update: {
          TableName: tableName,
          Key: promoCustomerKey(code, customerId),
          UpdateExpression: 'ADD claimed :minusOne',
          ConditionExpression: 'claimed > :zero',
          ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
        },
      },
    },
  ];
}

/** Commit: the purchase completed, and its claim on the shard becomes a redemption. */
export function redeemWrite(
  tableName: string,
  redemption: Omit<Redemption, 'customerId'>,
): NamedWrite<'promo'> {
  return {
    name: 'promo',
    write: {
      Update: {
        TableName: tableName,
        Key: promoShardKey(redemption.code, redemption.shard),
        UpdateExpression: 'ADD redeemed :one',
        // Only a claim becomes a redemption.
        ConditionExpression: 'claimed > redeemed',
        ExpressionAttributeValues: { ':one': 1 },
      },
    },
  };
}

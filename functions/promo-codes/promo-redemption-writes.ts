import { NEXT_VERSION, VERSION_NAMES, VERSION_VALUES } from '#shared/db/item-version.ts';
import { promoCodeKey, promoCustomerKey } from '#shared/db/keys.ts';
import type { NamedWrite } from '#shared/db/transactions.ts';

/**
 * A purchase's use of a promo code, as writes that go into the saga's own transactions: Reserve
 * claims it, Release gives it back, Commit counts it as redeemed. The code's `claimedRedemptions`
 * and the customer's `claimed` count the purchases that hold or used it; each claim is conditional,
 * so concurrent purchases never pass `maxRedemptions` or `maxRedemptionsPerCustomer`.
 */
export interface Redemption {
  code: string;
  customerId: string;
  /** The code's per-customer limit when it has one. */
  maxPerCustomer?: number | undefined;
  at: string;
  actor: string;
}

/** Reserve: the code is still usable now and has a redemption left, and so has the customer. */
export function claimRedemptionWrites(
  tableName: string,
  redemption: Redemption,
): NamedWrite<'promo' | 'promo-customer'>[] {
  const { code, customerId, maxPerCustomer, at, actor } = redemption;
  return [
    {
      name: 'promo',
      write: {
        Update: {
          TableName: tableName,
          Key: promoCodeKey(code),
          UpdateExpression: `ADD claimedRedemptions :one SET updatedAt = :at, changedBy = :actor, ${NEXT_VERSION}`,
          ConditionExpression:
            'attribute_exists(PK) AND #active = :true' +
            ' AND (attribute_not_exists(validFrom) OR validFrom <= :at)' +
            ' AND (attribute_not_exists(validUntil) OR validUntil > :at)' +
            ' AND (attribute_not_exists(maxRedemptions) OR claimedRedemptions < maxRedemptions)',
          ExpressionAttributeNames: { '#active': 'active', ...VERSION_NAMES },
          ExpressionAttributeValues: {
            ':one': 1,
            ':true': true,
            ':at': at,
            ':actor': actor,
            ...VERSION_VALUES,
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

/** Release: the purchase failed, so its claim is given back. */
export function releaseRedemptionWrites(
  tableName: string,
  redemption: Omit<Redemption, 'maxPerCustomer'>,
): NamedWrite<'promo' | 'promo-customer'>[] {
  const { code, customerId, at, actor } = redemption;
  return [
    {
      name: 'promo',
      write: {
        Update: {
          TableName: tableName,
          Key: promoCodeKey(code),
          UpdateExpression: `ADD claimedRedemptions :minusOne SET updatedAt = :at, changedBy = :actor, ${NEXT_VERSION}`,
          ConditionExpression: 'claimedRedemptions > :zero',
          ExpressionAttributeNames: VERSION_NAMES,
          ExpressionAttributeValues: {
            ':minusOne': -1,
            ':zero': 0,
            ':at': at,
            ':actor': actor,
            ...VERSION_VALUES,
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
          UpdateExpression: 'ADD claimed :minusOne',
          ConditionExpression: 'claimed > :zero',
          ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
        },
      },
    },
  ];
}

/** Commit: the purchase completed, and its claim becomes a redemption. */
export function redeemWrite(
  tableName: string,
  redemption: Omit<Redemption, 'customerId' | 'maxPerCustomer'>,
): NamedWrite<'promo'> {
  return {
    name: 'promo',
    write: {
      Update: {
        TableName: tableName,
        Key: promoCodeKey(redemption.code),
        UpdateExpression: `ADD redemptions :one SET updatedAt = :at, changedBy = :actor, ${NEXT_VERSION}`,
        ConditionExpression: 'claimedRedemptions > redemptions',
        ExpressionAttributeNames: VERSION_NAMES,
        ExpressionAttributeValues: {
          ':one': 1,
          ':at': redemption.at,
          ':actor': redemption.actor,
          ...VERSION_VALUES,
        },
      },
    },
  };
}

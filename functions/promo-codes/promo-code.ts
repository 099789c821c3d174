import { AppError } from '#shared/errors.ts';
import { discountCents } from '#shared/money.ts';
import type { PromoCodeView } from './promo-code.schemas.ts';

/**
 * A promo code as read: the code and the sums of its counter shards. `claimedRedemptions` counts
 * the purchases that hold a redemption (their saga runs) or completed with it: it is what
 * `maxRedemptions` limits, shard by shard, since a condition cannot add two counters.
 * `redemptions` counts completed ones.
 */
export interface PromoCode extends PromoCodeView {
  claimedRedemptions: number;
}

/** Why a code does not apply: the contract's reasons, in `details.reason`. */
export type PromoCodeRefusal =
  | 'UNKNOWN'
  | 'INACTIVE'
  | 'NOT_STARTED'
  | 'EXPIRED'
  | 'EXHAUSTED'
  | 'BELOW_MINIMUM'
  | 'NOT_FOR_THIS_PRODUCT'
  | 'ALREADY_USED_BY_CUSTOMER';

const MESSAGES: Record<PromoCodeRefusal, string> = {
  UNKNOWN: 'There is no such promo code.',
  INACTIVE: 'The promo code has been deactivated.',
  NOT_STARTED: 'The promo code is not valid yet.',
  EXPIRED: 'The promo code has expired.',
  EXHAUSTED: 'The promo code has been used as often as it may be.',
  BELOW_MINIMUM: 'The purchase is below the promo code’s minimum subtotal.',
  NOT_FOR_THIS_PRODUCT: 'The promo code does not apply to this product.',
  ALREADY_USED_BY_CUSTOMER: 'The customer has used the promo code as often as they may.',
};

/** A code's counter shard, as read (keys.ts and promo-redemption-writes.ts say how it is used). */
export interface PromoShard {
  shard: number;
  claimed: number;
  redeemed: number;
  /** A limited code's part of `maxRedemptions`. */
  allotment?: number | undefined;
}

/**
 * `limit` split over the shards on top of what each has claimed already: every shard keeps its
 * claims, and what is left is spread evenly (the first shards take the remainder). Claims move
 * between shards as they are spent, so claims, not an even split, are the floor.
 * @throws PromoLimitBelowClaimedError when the shards have claimed more than `limit`
 */
export function allotments(code: string, claimed: readonly number[], limit: number): number[] {
  const total = claimed.reduce((sum, count) => sum + count, 0);
  if (limit < total) throw new PromoLimitBelowClaimedError(code, total, limit);
  const spare = limit - total;
  const shards = claimed.length;
  return claimed.map((count, shard) => count + Math.floor(spare / shards) + (shard < spare % shards ? 1 : 0));
}

/** 409 CONFLICT: a limit below what is already claimed (completed purchases and those in flight). */
export class PromoLimitBelowClaimedError extends AppError {
  override readonly name = 'PromoLimitBelowClaimedError';
  constructor(code: string, claimed: number, maxRedemptions: number) {
    super(
      'CONFLICT',
      `The promo code ${code} has ${claimed} redemptions claimed, more than ${maxRedemptions}.`,
      { promoCode: code, claimed, maxRedemptions },
    );
  }
}

/** 422 PROMO_CODE_INVALID: nothing was charged or held. */
export class PromoCodeInvalidError extends AppError {
  override readonly name = 'PromoCodeInvalidError';
  constructor(
    readonly reason: PromoCodeRefusal,
    code: string,
    extra: Record<string, unknown> = {},
  ) {
    super('PROMO_CODE_INVALID', MESSAGES[reason], { promoCode: code, reason, ...extra });
  }
}

/**
 * The discount `promo` gives a purchase of `subtotalCents` of `productId` at `now`, or why it gives
 * none (money.ts computes the amount). The redemption limits are checked again, atomically, by
 * the Reserve write; this is the early, read-only answer.
 * @throws PromoCodeInvalidError
 */
export function discountFor(
  promo: PromoCode,
  purchase: { subtotalCents: number; productId: string; now: string },
): number {
  const refuse = (reason: PromoCodeRefusal, extra: Record<string, unknown> = {}): never => {
    throw new PromoCodeInvalidError(reason, promo.code, extra);
  };
  if (!promo.active) refuse('INACTIVE');
  if (promo.validFrom !== undefined && purchase.now < promo.validFrom)
    refuse('NOT_STARTED', { validFrom: promo.validFrom });
  if (promo.validUntil !== undefined && purchase.now >= promo.validUntil)
    refuse('EXPIRED', { validUntil: promo.validUntil });
  if (promo.maxRedemptions !== undefined && promo.claimedRedemptions >= promo.maxRedemptions)
    refuse('EXHAUSTED', { maxRedemptions: promo.maxRedemptions });
  if (promo.productIds !== undefined && !promo.productIds.includes(purchase.productId))
    refuse('NOT_FOR_THIS_PRODUCT', { productId: purchase.productId });
  if (promo.minSubtotalCents !== undefined && purchase.subtotalCents < promo.minSubtotalCents)
    refuse('BELOW_MINIMUM', {
      minSubtotalCents: promo.minSubtotalCents,
      subtotalCents: purchase.subtotalCents,
    });
  return discountCents(
    promo.kind === 'PERCENT'
      ? { kind: 'PERCENT', percentOff: promo.percentOff ?? 0 }
      : { kind: 'FIXED', amountOffCents: promo.amountOffCents ?? 0 },
    purchase.subtotalCents,
  );
}

/**
 * Why the Reserve write's condition on the code failed, from the code as it is now (the read-only
 * checks passed a moment before, so it changed in between).
 */
export function refusalNow(promo: PromoCode | undefined, now: string): PromoCodeRefusal {
  if (!promo) return 'UNKNOWN';
  if (!promo.active) return 'INACTIVE';
  if (promo.validFrom !== undefined && now < promo.validFrom) return 'NOT_STARTED';
  if (promo.validUntil !== undefined && now >= promo.validUntil) return 'EXPIRED';
  return 'EXHAUSTED';
}

export interface PromoCodeReader {
  getPromoCode(code: string): Promise<PromoCode | undefined>;
}

/** What the API shows of a stored code. */
export function promoCodeView({ claimedRedemptions: _claimed, ...view }: PromoCode): PromoCodeView {
  return view;
}

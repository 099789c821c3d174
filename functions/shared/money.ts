/**
 * Money is an integer number of US cents. This module is the only place that converts, adds and
 * checks amounts, so no float ever reaches a balance.
 */

/** The largest amount a request may carry: one billion dollars (the contract's bound). */
export const MAX_REQUEST_AMOUNT_CENTS = 100_000_000_000;

/** Balances stay exact while they are safe integers; past this a write is refused, not rounded. */
export const MAX_BALANCE_CENTS = Number.MAX_SAFE_INTEGER;

export function isCents(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** Adds amounts; returns undefined when the result would no longer be an exact integer. */
export function addCents(...amounts: readonly number[]): number | undefined {
  let total = 0;
  for (const amount of amounts) {
    if (!isCents(amount)) return undefined;
    total += amount;
    if (!Number.isSafeInteger(total)) return undefined;
  }
  return total;
}

/**
 * Converts a price quoted in dollars (a JSON number such as 1299.99) to cents without float
 * arithmetic: the number's shortest decimal representation is read as text.
 * Returns undefined for a negative, non-finite or over-precise price (more than two decimals).
 */
export function dollarsToCents(dollars: number): number | undefined {
  if (!Number.isFinite(dollars) || dollars < 0) return undefined;
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(String(dollars));
  if (!match) return undefined; // exponent notation or more than two decimals
  const whole = match[1] ?? '0';
  const fraction = (match[2] ?? '').padEnd(2, '0');
  const cents = Number(whole) * 100 + Number(fraction);
  return Number.isSafeInteger(cents) ? cents : undefined;
}

/** `unitCents × quantity`; undefined when the result would no longer be an exact integer. */
export function multiplyCents(unitCents: number, quantity: number): number | undefined {
  if (!isCents(unitCents) || !Number.isSafeInteger(quantity)) return undefined;
  const product = unitCents * quantity;
  return Number.isSafeInteger(product) ? product : undefined;
}

/**
 * The cents owed for `part` of `whole` units of a `totalCents` payment, counted cumulatively:
 * `floor(total × part / whole)` in exact integer arithmetic. The refund for units a+1..b is
 * `shareOfCents(total, b, whole) - shareOfCents(total, a, whole)`, so however the units are split
 * across refunds, refunding all of them returns exactly `totalCents`.
 */
export function shareOfCents(totalCents: number, part: number, whole: number): number {
  if (!isCents(totalCents) || !Number.isSafeInteger(part) || !Number.isSafeInteger(whole) || whole <= 0) {
    throw new RangeError('shareOfCents needs whole numbers and a positive whole');
  }
  return Number((BigInt(totalCents) * BigInt(part)) / BigInt(whole));
}

/** `floor(cents × percent / 100)` in exact integer arithmetic: a percentage never rounds in the buyer's disfavour by more than a cent. */
export function percentOfCents(cents: number, percent: number): number {
  if (!isCents(cents) || !Number.isSafeInteger(percent) || percent < 0 || percent > 100) {
    throw new RangeError('percentOfCents needs whole cents and a whole percentage of 0 to 100');
  }
  return Number((BigInt(cents) * BigInt(percent)) / 100n);
}

/**
 * What a promo code takes off a subtotal: PERCENT is `floor(subtotal × percent / 100)`, FIXED its
 * amount but at most the subtotal, so that a total is never negative.
 */
export function discountCents(
  discount: { kind: 'PERCENT'; percentOff: number } | { kind: 'FIXED'; amountOffCents: number },
  subtotalCents: number,
): number {
  return discount.kind === 'PERCENT'
    ? percentOfCents(subtotalCents, discount.percentOff)
    : Math.min(discount.amountOffCents, subtotalCents);
}

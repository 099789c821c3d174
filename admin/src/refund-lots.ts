import type { LotAmount, RefundResponse } from './api-types.ts';
import { formatCents } from './money.ts';

/**
 * Where a refund's credit went, when the service says so: back to the lots the purchase drew from
 * (`refund.lots`), and the parts that came back to lots that had expired since and so expired again
 * at once (`refund.expired`). The answer's shape for this is not final, so it is read defensively:
 * a list is shown only when every part is well-formed, and nothing when neither is present.
 */
export interface RefundLots {
  returned: LotAmount[];
  expired: LotAmount[];
}

const isLotAmount = (value: unknown): value is LotAmount => {
  const part = (value ?? {}) as Partial<Record<keyof LotAmount, unknown>>;
  return typeof part.lotId === 'string' && Number.isSafeInteger(part.amountCents);
};

const lotAmounts = (value: unknown): LotAmount[] =>
  Array.isArray(value) && value.every(isLotAmount) ? value : [];

export function refundLotsOf(answer: RefundResponse): RefundLots | undefined {
  const returned = lotAmounts(answer.refund.lots);
  const expired = lotAmounts(answer.refund.expired);
  return returned.length > 0 || expired.length > 0 ? { returned, expired } : undefined;
}

/** A lot id short enough for a sentence. */
const shortId = (lotId: string): string => (lotId.length > 10 ? `${lotId.slice(0, 10)}…` : lotId);

const list = (parts: LotAmount[], preposition: string): string =>
  parts
    .map((part) => `${formatCents(Math.abs(part.amountCents))} ${preposition} lot ${shortId(part.lotId)}`)
    .join(', ');

/**
 * "Back to credit: $6.00 to lot 01JF3K2M9Q…. Expired at once, its lot having lapsed: $4.00 of lot
 * 01JF3K2MA0…."
 */
export function refundLotsText({ returned, expired }: RefundLots): string {
  const parts: string[] = [];
  if (returned.length > 0) parts.push(`Back to credit: ${list(returned, 'to')}.`);
  if (expired.length > 0) parts.push(`Expired at once, its lot having lapsed: ${list(expired, 'of')}.`);
  return parts.join(' ');
}

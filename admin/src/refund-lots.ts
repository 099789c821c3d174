import type { LotAmount, RefundResponse } from './api-types.ts';
import { formatCents } from './money.ts';

/**
 * Where a refund's credit went, when the service says so: back to the lots the purchase drew from,
 * and the part whose lot had expired since, which expired again at once. The answer's shape for this
 * is not final, so it is read defensively: only well-formed fields are shown, and nothing when absent.
 */
export interface RefundLots {
  returned: LotAmount[];
  expiredCents: number;
}

const isLotAmount = (value: unknown): value is LotAmount => {
  const part = (value ?? {}) as Partial<Record<keyof LotAmount, unknown>>;
  return typeof part.lotId === 'string' && Number.isSafeInteger(part.amountCents);
};

export function refundLotsOf(answer: RefundResponse): RefundLots | undefined {
  const { lots, expiredCents } = answer.refund;
  const returned = Array.isArray(lots) && lots.every(isLotAmount) ? lots : [];
  const expired = Number.isSafeInteger(expiredCents) ? Math.abs(expiredCents as number) : 0;
  if (returned.length === 0 && expired === 0) return undefined;
  return { returned, expiredCents: expired };
}

/** A lot id short enough for a sentence. */
const shortId = (lotId: string): string => (lotId.length > 10 ? `${lotId.slice(0, 10)}…` : lotId);

/** "Back to credit: $3.00 to lot 01JF3K2M9Q…, $1.00 to lot 01JF3K2MA0…. $1.00 of it expired at once: its lot had lapsed." */
export function refundLotsText({ returned, expiredCents }: RefundLots): string {
  const parts: string[] = [];
  if (returned.length > 0)
    parts.push(
      `Back to credit: ${returned
        .map((part) => `${formatCents(Math.abs(part.amountCents))} to lot ${shortId(part.lotId)}`)
        .join(', ')}.`,
    );
  if (expiredCents > 0) parts.push(`${formatCents(expiredCents)} of it expired at once: its lot had lapsed.`);
  return parts.join(' ');
}

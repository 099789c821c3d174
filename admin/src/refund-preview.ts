import { shareOfCents } from '../../functions/shared/money.ts';
import type { Purchase } from './api-types.ts';

export type RefundChoice =
  | { kind: 'remaining' }
  | { kind: 'quantity'; quantity: number }
  | { kind: 'amount'; amountCents: number };

export type RefundPreview = { ok: true; cents: number } | { ok: false; message: string };

/** Units already refunded by quantity. */
export const refundedUnits = (purchase: Purchase): number =>
  (purchase.refunds ?? []).reduce((units, refund) => units + (refund.quantity ?? 0), 0);

/**
 * What a refund would return, computed as the service does (functions/refunds/refund.ts): a quantity
 * returns its units' cumulative share of the total (`shareOfCents`), the last units all that remains.
 * The service decides; this only shows the rep what to expect before confirming.
 */
export function previewRefund(purchase: Purchase, choice: RefundChoice): RefundPreview {
  const remaining = purchase.totalCents - purchase.refundedCents;
  if (remaining <= 0) return { ok: false, message: 'This purchase has been refunded in full.' };
  switch (choice.kind) {
    case 'remaining':
      return { ok: true, cents: remaining };
    case 'amount':
      return choice.amountCents > remaining
        ? { ok: false, message: 'The refund is more than what remains to be refunded.' }
        : { ok: true, cents: choice.amountCents };
    case 'quantity': {
      const before = refundedUnits(purchase);
      const left = purchase.quantity - before;
      if (!Number.isInteger(choice.quantity) || choice.quantity < 1)
        return { ok: false, message: 'Enter a whole number of units.' };
      if (choice.quantity > left)
        return { ok: false, message: `Only ${left} unit(s) remain to be refunded.` };
      const after = before + choice.quantity;
      const share =
        shareOfCents(purchase.totalCents, after, purchase.quantity) -
        shareOfCents(purchase.totalCents, before, purchase.quantity);
      return { ok: true, cents: after === purchase.quantity ? remaining : Math.min(share, remaining) };
    }
  }
}

import type { CreditLot, CreditTransaction } from './api-types.ts';
import { lotWords } from './credit-lots.tsx';
import { formatCents } from './money.ts';

/**
 * How one credit history entry reads for a rep: an expiry in plain words rather than the service's
 * `EXPIRY` / `expired` / `system:expiry`, and the lots the entry moved, each named by what it is
 * (category and expiry) when the lot is still open.
 */

const EXPIRY_ACTOR = 'system:expiry';

/** The entry's type, reason and actor as the history shows them. */
export function entryWords(transaction: CreditTransaction): { type: string; reason: string; actor: string } {
  if (transaction.type === 'EXPIRY')
    return {
      type: 'Expired',
      reason: transaction.reason === 'expired' ? 'Unused credit reached its expiry date' : transaction.reason,
      actor: transaction.actor === EXPIRY_ACTOR ? 'Automatic expiry' : transaction.actor,
    };
  return { type: transaction.type, reason: transaction.reason, actor: transaction.actor };
}

/** A lot id short enough for a table cell; the whole id is in its title. */
const shortId = (lotId: string): string => (lotId.length > 10 ? `${lotId.slice(0, 10)}…` : lotId);

/**
 * What the entry took from or gave back to each lot: "$5.00 from Promotional, expires …". A lot no
 * longer open (spent, expired) is named by its id. Nothing for an entry without lots (one written
 * before lots, or by a service without them).
 */
export function EntryLots({
  transaction,
  openLots = [],
}: {
  transaction: CreditTransaction;
  openLots?: readonly CreditLot[] | undefined;
}) {
  const parts = transaction.lots ?? [];
  if (parts.length === 0) return null;
  const direction = transaction.amountCents < 0 ? 'from' : 'to';
  const byId = new Map(openLots.map((lot) => [lot.lotId, lot]));
  return (
    <ul className="entry-lots" aria-label="Lots">
      {parts.map((part) => {
        const lot = byId.get(part.lotId);
        return (
          <li key={part.lotId}>
            {formatCents(Math.abs(part.amountCents))} {direction}{' '}
            {lot ? lotWords(lot) : <span title={part.lotId}>lot {shortId(part.lotId)}</span>}
          </li>
        );
      })}
    </ul>
  );
}

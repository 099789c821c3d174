import { Alert, Badge, Title } from '@clickhouse/click-ui';
import type { Credit, CreditChangeResponse, CreditLot, LotCategory } from './api-types.ts';
import { DataTable, When } from './components.tsx';
import { formatCents } from './money.ts';
import { formatTime } from './time.ts';

/** Credit that lapses sooner than this is flagged, so a rep can tell the customer in time. */
export const EXPIRING_SOON_MS = 30 * 24 * 60 * 60 * 1000;

export const CATEGORY_WORDS: Record<LotCategory, string> = { PAID: 'Paid', PROMOTIONAL: 'Promotional' };

const instant = (iso: string | undefined): number =>
  iso === undefined ? Number.POSITIVE_INFINITY : new Date(iso).getTime();

/**
 * The lots in the order the service spends them: soonest-expiring first, never-expiring last,
 * promotional before paid at equal expiry, then the oldest. The service already sends them so;
 * sorting again keeps the table right whatever order an answer comes in.
 */
export function inSpendingOrder(lots: readonly CreditLot[]): CreditLot[] {
  const rank = (lot: CreditLot) => (lot.category === 'PROMOTIONAL' ? 0 : 1);
  return [...lots].sort(
    (a, b) =>
      instant(a.expiresAt) - instant(b.expiresAt) ||
      rank(a) - rank(b) ||
      instant(a.grantedAt) - instant(b.grantedAt) ||
      a.lotId.localeCompare(b.lotId),
  );
}

/** The lots with spendable credit that lapses within 30 days of `now` (not before it), soonest first. */
export function expiringSoon(lots: readonly CreditLot[], now: number): CreditLot[] {
  return inSpendingOrder(lots).filter((lot) => {
    const at = instant(lot.expiresAt);
    return lot.remainingCents > 0 && at > now && at - now <= EXPIRING_SOON_MS;
  });
}

/** A lot as a sentence names it: "Promotional, expires Dec 31, 2026, 11:59 PM UTC" or "Paid, never expires". */
export const lotWords = (lot: Pick<CreditLot, 'category' | 'expiresAt'>): string =>
  `${CATEGORY_WORDS[lot.category]}, ${lot.expiresAt ? `expires ${formatTime(lot.expiresAt)}` : 'never expires'}`;

/**
 * Which lot a grant went to, as its success message says it: "Into a new promotional lot that
 * expires …", or "Into an existing paid lot that never expires" when the service merged it into a
 * lot an earlier grant made (the lot's `transactionId` is that grant's). Nothing from a service
 * without lots.
 */
export function grantLotText({ transaction, credit }: CreditChangeResponse): string | undefined {
  const lotId = transaction.lots?.[0]?.lotId;
  const lot = credit.lots?.find((candidate) => candidate.lotId === lotId);
  if (!lot) return undefined;
  const category = CATEGORY_WORDS[lot.category].toLowerCase();
  const expiry = lot.expiresAt ? `expires ${formatTime(lot.expiresAt)}` : 'never expires';
  return `Into ${lot.transactionId === transaction.id ? 'a new' : 'an existing'} ${category} lot that ${expiry}.`;
}

/**
 * The customer's credit lots: what each grant left, what is held from it, and when it lapses, soonest
 * first; with the next expiry and a flag on credit that lapses within 30 days.
 */
export function CreditLots({ credit, now = Date.now() }: { credit: Credit; now?: number }) {
  const lots = inSpendingOrder(credit.lots);
  const soon = expiringSoon(lots, now);
  const soonCents = soon.reduce((sum, lot) => sum + lot.remainingCents, 0);
  const soonIds = new Set(soon.map((lot) => lot.lotId));
  return (
    <section aria-labelledby="credit-lots-title" className="credit-lots">
      <Title type="h3" size="sm" id="credit-lots-title">
        Credit lots
      </Title>
      {soon.length > 0 && (
        <div role="note" aria-label="Credit expiring soon" data-testid="expiring-soon">
          <Alert
            state="warning"
            title={`${formatCents(soonCents)} expires within 30 days`}
            text={
              <ul className="expiring-soon">
                {soon.map((lot) => (
                  <li key={lot.lotId}>
                    {formatCents(lot.remainingCents)} {CATEGORY_WORDS[lot.category].toLowerCase()} credit on{' '}
                    {formatTime(lot.expiresAt ?? '')}
                  </li>
                ))}
              </ul>
            }
            showIcon
          />
        </div>
      )}
      <p data-testid="next-expiry">
        {credit.nextExpiry
          ? `Next to expire: ${formatCents(credit.nextExpiry.amountCents)} on ${formatTime(credit.nextExpiry.expiresAt)}.`
          : 'No credit is set to expire.'}
      </p>
      <DataTable
        caption="Credit lots, soonest-expiring first"
        headers={['Category', 'Granted', 'Remaining', 'Held', 'Expires']}
        empty="No open lots."
        rows={lots.map((lot) => ({
          key: lot.lotId,
          cells: [
            CATEGORY_WORDS[lot.category],
            formatCents(lot.grantedCents),
            formatCents(lot.remainingCents),
            formatCents(lot.heldCents),
            lot.expiresAt ? (
              <span key="expires" className="lot-expiry">
                <When iso={lot.expiresAt} />
                {soonIds.has(lot.lotId) && <Badge state="warning" text="within 30 days" />}
              </span>
            ) : (
              'Never'
            ),
          ],
        }))}
      />
    </section>
  );
}

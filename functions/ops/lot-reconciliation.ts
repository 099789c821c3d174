import { addCents } from '#shared/money.ts';
import { accountFromItem } from '../ledger/account.ts';
import { lotDrawsFromItem } from '../ledger/lot-draws.ts';
import { LOT_CATEGORIES, type LotCategory } from '../ledger/lots.ts';

/**
 * Reconciliation of credit lots (issue 21), over items already read. Per customer:
 * - the account's `availableCents` and `heldCents` are its lots' remainders and held parts, and per
 *   category the lots (remaining + held) are what the ledger's lot parts add up to;
 * - every entry of a type that moves lots names them, with positive parts that add up to its amount;
 * - no lot was spent after its `expiresAt`: a DEDUCTION entry's `createdAt`, and a hold's (the
 *   reservation's `createdAt`, when Reserve drew), is before the expiry of every lot it drew from;
 * - no lot due longer ago than the expiry run takes (`expiredWithinMs`) still has a remainder.
 *
 * A lot's category and expiry never change, and they are stored in several places: on the account
 * while the lot holds anything, in the account's audit trail for every lot it ever had (a lot is
 * pruned once empty), and on every draw (reservations, purchases). All of them must agree; an entry's
 * `lots` carry only ids, so they are read through these. A lot found nowhere is a breach only when
 * the account's trail is complete (a trail that lags is its own breach, which the stream mends).
 *
 * Limits of the expiry proof: the times compared are the writers' clocks (the entry's `createdAt`,
 * the reservation's `createdAt`, which is the `now` Reserve drew at), so a writer whose clock ran
 * late is not caught. A PURCHASE entry is written at Commit, possibly after the expiry (the hold kept
 * that part, lots.ts), so it is judged by its reservation's hold, not by its own time; that Commit
 * spent exactly the hold's draws is the ledger's rule (spendHold), not checked here. REFUND and
 * EXPIRY entries give back or lapse credit and spend nothing.
 */

type Item = Record<string, unknown>;

export type CentsByCategory = Record<LotCategory, number>;

/** What finance reads: the credit customers hold, and what lapsed unspent (breakage). */
export interface CreditFigures {
  /** Every account's lots, remaining plus held, per category: the credit still owed. */
  outstandingCents: CentsByCategory;
  /** EXPIRY entries of the last 24 h before `now`, per category of the lot that lapsed. */
  expiredLastDayCents: CentsByCategory;
}

export interface LotLimits {
  now: Date;
  /** Past this after its expiry a lot has been expired: the run's interval plus its timeout. */
  lotsExpiredWithinMs: number;
}

export interface CustomerBooks {
  account: Item;
  entries: readonly Item[];
  /** The customer's reservations and purchases, of any status: their draws name lots. */
  reservations: readonly Item[];
  purchases: readonly Item[];
  /** The account's audit records' images (before and after), and whether the trail is complete. */
  trail: { images: readonly (Item | null)[]; complete: boolean };
}

/** Entry types that move credit into or out of lots: each must say which. */
const MOVES_LOTS = new Set(['GRANT', 'DEDUCTION', 'PURCHASE', 'REFUND', 'EXPIRY']);

const DAY_MS = 86_400_000;

interface LotFacts {
  category: LotCategory;
  /** Null: never expires. */
  expiresAt: string | null;
  /** Where it was first read, for a disagreement's breach. */
  source: string;
}

export const noCents = (): CentsByCategory => ({ PAID: 0, PROMOTIONAL: 0 });

const isCategory = (value: unknown): value is LotCategory =>
  (LOT_CATEGORIES as readonly unknown[]).includes(value);

const instant = (iso: string | null): number => (iso === null ? Number.POSITIVE_INFINITY : Date.parse(iso));

const seconds = (ms: number): string => `${Math.round(ms / 1000)} s`;

/**
 * Checks one customer's lots against their ledger, holds and expiry, and adds the customer's
 * credit to `figures`.
 * @returns the breaches found, each naming the customer
 */
export function reconcileCustomerLots(
  books: CustomerBooks,
  limits: LotLimits,
  figures: CreditFigures,
): string[] {
  const customer = String(books.account.customerId);
  const breaches: string[] = [];
  const breach = (text: string): number => breaches.push(`customer ${customer}: ${text}`);
  let account: ReturnType<typeof accountFromItem>;
  try {
    account = accountFromItem(books.account);
  } catch (error) {
    breach(`account unreadable: ${(error as Error).message}`);
    return breaches;
  }

  // The lots' sums are the account's figures.
  const remaining = total(account.lots.map((lot) => lot.remainingCents));
  const held = total(account.lots.map((lot) => lot.heldCents));
  if (remaining !== account.availableCents)
    breach(`available ${account.availableCents}, its lots' remainders ${remaining}`);
  if (held !== account.heldCents) breach(`held ${account.heldCents}, its lots hold ${held}`);

  // What is known of each lot, from every place that stores it; all must agree.
  const facts = new Map<string, LotFacts>();
  const learn = (lotId: unknown, category: unknown, expiresAt: unknown, source: string): void => {
    if (typeof lotId !== 'string' || !isCategory(category)) return;
    const seen: LotFacts = {
      category,
      expiresAt: typeof expiresAt === 'string' ? expiresAt : null,
      source,
    };
    const known = facts.get(lotId);
    if (known === undefined) facts.set(lotId, seen);
    else if (known.category !== seen.category || instant(known.expiresAt) !== instant(seen.expiresAt))
      breach(`lot ${lotId} is ${describe(known)} on ${known.source}, ${describe(seen)} on ${seen.source}`);
  };
  for (const lot of account.lots) learn(lot.lotId, lot.category, lot.expiresAt, 'the account');
  for (const image of books.trail.images) {
    const lots = image?.lots;
    if (!Array.isArray(lots)) continue;
    for (const lot of lots as Item[]) learn(lot?.lotId, lot?.category, lot?.expiresAt, 'its audit trail');
  }
  const holds: { reservation: Item; draws: ReturnType<typeof lotDrawsFromItem> }[] = [];
  for (const [kind, items, fields] of [
    ['reservation', books.reservations, ['lotDraws']],
    ['purchase', books.purchases, ['lotDraws', 'lotsReturned']],
  ] as const) {
    for (const item of items) {
      const name = `${kind} ${String(item.purchaseId ?? item.id)}`;
      for (const field of fields) {
        let draws: ReturnType<typeof lotDrawsFromItem>;
        try {
          draws = lotDrawsFromItem(item[field]);
        } catch (error) {
          breach(`${name}: ${field} unreadable: ${(error as Error).message}`);
          continue;
        }
        for (const draw of draws) learn(draw.lotId, draw.category, draw.expiresAt, name);
        if (kind === 'reservation') holds.push({ reservation: item, draws });
      }
    }
  }

  // Each entry's parts, and through them the ledger per category.
  const ledger = noCents();
  let unknownLot = false;
  const lotOf = (entry: Item, lotId: string): LotFacts | undefined => {
    const known = facts.get(lotId);
    if (known === undefined) {
      unknownLot = true;
      // Without the whole trail the lot may be in the records still to come (the audit breach says so).
      if (books.trail.complete)
        breach(`entry ${String(entry.id)} names lot ${lotId}, which the account never had`);
    }
    return known;
  };
  const nowMs = limits.now.getTime();
  for (const entry of books.entries) {
    const name = `entry ${String(entry.id)} (${String(entry.type)} ${String(entry.amountCents)})`;
    const amount = Number(entry.amountCents);
    const parts = entry.lots;
    if (!Array.isArray(parts)) {
      if (MOVES_LOTS.has(String(entry.type))) breach(`${name} names no lots`);
      continue;
    }
    const amounts = (parts as Item[]).map((part) => Number(part?.amountCents));
    if (amounts.some((cents) => !Number.isSafeInteger(cents) || cents <= 0))
      breach(`${name}: a lot's part is not a positive amount`);
    else if (total(amounts) !== Math.abs(amount)) breach(`${name}: its lots add up to ${total(amounts)}`);
    for (const part of parts as Item[]) {
      const lot = lotOf(entry, String(part?.lotId));
      const cents = Number(part?.amountCents);
      if (lot === undefined || !Number.isSafeInteger(cents)) continue;
      ledger[lot.category] += Math.sign(amount) * cents;
      const at = String(entry.createdAt);
      if (entry.type === 'DEDUCTION' && Date.parse(at) >= instant(lot.expiresAt))
        breach(
          `DEDUCTION ${String(entry.id)} drew ${cents} from lot ${String(part?.lotId)} at ${at}, after it expired at ${lot.expiresAt}`,
        );
      if (entry.type === 'EXPIRY' && nowMs - Date.parse(at) < DAY_MS && Date.parse(at) <= nowMs)
        figures.expiredLastDayCents[lot.category] += cents;
    }
  }

  // A hold drew when its reservation was made: before the expiry of every lot it drew from.
  for (const { reservation, draws } of holds) {
    const at = String(reservation.createdAt);
    for (const draw of draws) {
      // Drawn lots were learnt above: the lot's expiry as first found, which every other copy matches.
      const expiresAt = facts.get(draw.lotId)?.expiresAt ?? draw.expiresAt ?? null;
      if (Date.parse(at) >= instant(expiresAt))
        breach(
          `reservation ${String(reservation.purchaseId)} held ${draw.amountCents} of lot ${draw.lotId} at ${at}, after it expired at ${expiresAt}`,
        );
    }
  }

  const lots = noCents();
  for (const lot of account.lots) lots[lot.category] += lot.remainingCents + lot.heldCents;
  for (const category of LOT_CATEGORIES) {
    figures.outstandingCents[category] += lots[category];
    // A lot the ledger names but no store knows leaves its category unknown: reported above.
    if (!unknownLot && lots[category] !== ledger[category])
      breach(`${category} lots hold ${lots[category]}, the ledger's parts sum to ${ledger[category]}`);
  }

  // The expiry run takes every due remainder within its interval and timeout.
  for (const lot of account.lots) {
    if (lot.expiresAt === undefined || lot.remainingCents === 0) continue;
    const overdueMs = nowMs - Date.parse(lot.expiresAt);
    if (overdueMs > limits.lotsExpiredWithinMs)
      breach(
        `lot ${lot.lotId} fell due at ${lot.expiresAt}, ${seconds(overdueMs)} ago, past the ${seconds(limits.lotsExpiredWithinMs)} within which the expiry run expires it, and keeps ${lot.remainingCents}`,
      );
  }
  return breaches;
}

const describe = (lot: LotFacts): string =>
  `${lot.category} ${lot.expiresAt === null ? 'never expiring' : `expiring at ${lot.expiresAt}`}`;

function total(amounts: readonly number[]): number {
  return addCents(...amounts) ?? Number.NaN;
}

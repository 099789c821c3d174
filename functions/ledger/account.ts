import * as z from 'zod';
import { BalanceLimitExceededError, InsufficientCreditError } from '#shared/errors.ts';
import { addCents, MAX_BALANCE_CENTS } from '#shared/money.ts';
import type {
  Credit,
  CreditLotView,
  CreditTransaction,
  CreditTransactionType,
  LotAmount,
} from '../credit/credit.schemas.ts';
import type { Lot, LotCategory, LotDraw } from './lots.ts';
import * as lots from './lots.ts';

/**
 * The ledger core: a customer's account with its credit lots, and the functions that compute every
 * change of it (grant, deduct, hold, release, spend, refund, expire) together with the ledger
 * entries that record it. Pure: the stores write what these return (ledger-writes.ts), conditional
 * on the account being exactly as read.
 *
 * The account's figures are derived from its lots, so they can never disagree: `availableCents` is
 * the lots' remainders, `heldCents` what purchases in flight hold from them. A lot that is due but
 * not yet expired by the expiry run still counts (its EXPIRY entry has not been written), though
 * nothing may be drawn from it (lots.ts).
 */

/** A customer's balance as stored. */
export interface CreditAccount {
  customerId: string;
  availableCents: number;
  heldCents: number;
  /** Every lot that holds anything, in spending order. */
  lots: readonly Lot[];
  /** Grows by one with every write to the account; the precondition of every ledger write. */
  version: number;
  /** How many ledger entries the account has: entry n is in slot n (a write may add several). */
  entryCount: number;
  updatedAt: string | null;
}

/** Reads an account as it is now (strongly consistent): the "before" of every change. */
export interface AccountReader {
  getAccount(customerId: string): Promise<CreditAccount | undefined>;
}

/**
 * A change of an account as the stores write it: the account as read (the write happens only if it
 * is still exactly this), as it will be, and the ledger entries in order, each in the entry slot
 * after the one before. Every write takes one version, whatever the number of entries it adds.
 */
export interface AccountWrite {
  before: CreditAccount;
  after: CreditAccount;
  entries: readonly CreditTransaction[];
}

/** Who makes a change, when, and the ids it may use (one per entry it writes, in order). */
export interface Stamp {
  now: string;
  newId: () => string;
}

export const emptyAccount = (customerId: string): CreditAccount => ({
  customerId,
  availableCents: 0,
  heldCents: 0,
  lots: [],
  version: 0,
  entryCount: 0,
  updatedAt: null,
});

export const EXPIRY_ACTOR = 'system:expiry';
export const EXPIRY_REASON = 'expired';

/** The balance as the API shows it, with the lots that hold anything and the next credit to lapse. */
export function creditView(account: CreditAccount, now: string): Credit {
  return {
    customerId: account.customerId,
    currency: 'USD',
    balanceCents: account.availableCents + account.heldCents,
    availableCents: account.availableCents,
    heldCents: account.heldCents,
    lots: lots.prune(account.lots).map(lotView),
    nextExpiry: lots.nextExpiry(account.lots, now),
    updatedAt: account.updatedAt,
  };
}

const lotView = (lot: Lot): CreditLotView => ({
  lotId: lot.lotId,
  category: lot.category,
  grantedCents: lot.grantedCents,
  remainingCents: lot.remainingCents,
  heldCents: lot.heldCents,
  ...(lot.expiresAt === undefined ? {} : { expiresAt: lot.expiresAt }),
  grantedAt: lot.grantedAt,
  transactionId: lot.transactionId,
});

// ---------------------------------------------------------------------------------------------
// The changes

interface EntryFields {
  reason: string;
  actor: string;
  purchaseId?: string | undefined;
  refundId?: string | undefined;
  metadata?: CreditTransaction['metadata'];
}

/**
 * Adds credit as a lot (or merged into one, lots.ts says when): one GRANT entry naming the lot.
 * @throws BalanceLimitExceededError when the balance would leave exact integers or the account
 *   would keep more lots than it can ({@link lots.MAX_OPEN_LOTS})
 */
export function grant(
  before: CreditAccount,
  input: EntryFields & { amountCents: number; category: LotCategory; expiresAt?: string | undefined },
  stamp: Stamp,
): { write: AccountWrite; transaction: CreditTransaction } {
  const id = stamp.newId();
  const result = ledgerCall(before, () =>
    lots.grant(before.lots, {
      lotId: id,
      category: input.category,
      amountCents: input.amountCents,
      ...(input.expiresAt === undefined ? {} : { expiresAt: input.expiresAt }),
      grantedAt: stamp.now,
      transactionId: id,
    }),
  );
  const write = change(before, result.lots, stamp, [
    {
      id,
      type: 'GRANT',
      ...entryFields(input),
      amountCents: input.amountCents,
      lots: [{ lotId: result.lotId, amountCents: input.amountCents }],
    },
  ]);
  return { write, transaction: onlyEntry(write) };
}

/**
 * Takes credit for good from the lots open now, in spending order: one DEDUCTION entry with the
 * amount drawn from each lot.
 * @throws InsufficientCreditError when the open lots hold less
 */
export function deduct(
  before: CreditAccount,
  input: EntryFields & { amountCents: number },
  stamp: Stamp,
): { write: AccountWrite; transaction: CreditTransaction } {
  const { lots: after, draws } = ledgerCall(before, () =>
    lots.deduct(before.lots, input.amountCents, stamp.now),
  );
  const write = change(before, after, stamp, [
    {
      id: stamp.newId(),
      type: 'DEDUCTION',
      ...entryFields(input),
      amountCents: -input.amountCents,
      lots: amounts(draws),
    },
  ]);
  return { write, transaction: onlyEntry(write) };
}

/**
 * Holds a purchase's total from the lots open now (Reserve): no entry, the balance does not move.
 * The reservation keeps the draws, for its release, its Commit and the purchase's refunds.
 * @throws InsufficientCreditError when the open lots hold less
 */
export function hold(
  before: CreditAccount,
  totalCents: number,
  stamp: Pick<Stamp, 'now'>,
): { write: AccountWrite; draws: LotDraw[] } {
  const { lots: after, draws } = ledgerCall(before, () => lots.hold(before.lots, totalCents, stamp.now));
  return { write: change(before, after, { ...stamp, newId: noId }, []), draws };
}

/**
 * Gives a failed purchase's hold back to its lots. A part whose lot expired meanwhile expires at
 * once: one EXPIRY entry for those parts. No other entry: the balance did not move.
 */
export function release(
  before: CreditAccount,
  draws: readonly LotDraw[],
  input: { purchaseId: string },
  stamp: Stamp,
): AccountWrite {
  const result = ledgerCall(before, () => lots.release(before.lots, draws, stamp.now));
  return change(before, result.lots, stamp, expiryEntries(result.expired, stamp, input));
}

/** Spends a purchase's hold (Commit): one PURCHASE entry with the draws, whatever expired meanwhile. */
export function spendHold(
  before: CreditAccount,
  draws: readonly LotDraw[],
  input: EntryFields & { purchaseId: string },
  stamp: Stamp,
): { write: AccountWrite; transaction: CreditTransaction } {
  const after = ledgerCall(before, () => lots.spendHeld(before.lots, draws));
  const total = sumOf(draws);
  const write = change(before, after, stamp, [
    { id: stamp.newId(), type: 'PURCHASE', ...entryFields(input), amountCents: -total, lots: amounts(draws) },
  ]);
  return { write, transaction: onlyEntry(write) };
}

/**
 * Returns a refund to the lots the purchase drew from, the last-drawn first: one REFUND entry with
 * every part, then, when some of those lots have expired since, one EXPIRY entry taking those parts
 * out again (Stripe's rule: credit given back after its grant expired expires at once).
 * @param alreadyReturned the parts earlier refunds of this purchase gave back (returned and expired)
 */
export function refund(
  before: CreditAccount,
  input: EntryFields & {
    amountCents: number;
    purchaseId: string;
    refundId: string;
    purchaseDraws: readonly LotDraw[];
    alreadyReturned: readonly LotDraw[];
  },
  stamp: Stamp,
): { write: AccountWrite; transaction: CreditTransaction; returned: LotDraw[]; expired: LotDraw[] } {
  const { purchaseDraws, alreadyReturned } = input;
  const result = ledgerCall(before, () =>
    lots.refund(before.lots, purchaseDraws, alreadyReturned, input.amountCents, stamp.now),
  );
  const parts = [...result.returned, ...result.expired];
  const write = change(before, result.lots, stamp, [
    {
      id: stamp.newId(),
      type: 'REFUND',
      ...entryFields(input),
      amountCents: input.amountCents,
      lots: amounts(parts),
    },
    ...expiryEntries(result.expired, stamp, input),
  ]);
  const [transaction] = write.entries;
  if (transaction === undefined) throw new Error('a refund writes its entry');
  return { write, transaction, returned: result.returned, expired: result.expired };
}

/**
 * Expires what remains of the lots due at `stamp.now`, at most `limit` of them (a transaction's
 * items are bounded): one EXPIRY entry per lot. Held parts stay for their purchases. Undefined when
 * nothing is due: expiring twice changes nothing.
 */
export function expireDue(before: CreditAccount, stamp: Stamp, limit: number): AccountWrite | undefined {
  const { expired } = ledgerCall(before, () => lots.expire(before.lots, stamp.now));
  const due = expired.slice(0, limit);
  if (due.length === 0) return undefined;
  const dueIds = new Set(due.map((draw) => draw.lotId));
  const after = before.lots.map((lot) => (dueIds.has(lot.lotId) ? { ...lot, remainingCents: 0 } : lot));
  return change(
    before,
    after,
    stamp,
    due.flatMap((draw) => expiryEntries([draw], stamp, {})),
  );
}

/**
 * The account as it is, written again: no entry, the same lots. Moves its entry in the expiry index
 * to its next due time (a hold, which writes the lots in place, leaves the entry early).
 */
export function reindex(before: CreditAccount, stamp: Pick<Stamp, 'now'>): AccountWrite {
  return change(before, before.lots, { ...stamp, newId: noId }, []);
}

/** When the account's next lot falls due (the soonest expiry of a lot with a remainder), if any. */
export function nextDueAt(account: Pick<CreditAccount, 'lots'>): string | undefined {
  return account.lots
    .filter((lot) => lot.expiresAt !== undefined && lot.remainingCents > 0)
    .map((lot) => lot.expiresAt as string)
    .reduce<string | undefined>(
      (soonest, at) => (soonest === undefined || Date.parse(at) < Date.parse(soonest) ? at : soonest),
      undefined,
    );
}

// ---------------------------------------------------------------------------------------------
// Internals

interface EntryDraft extends EntryFields {
  id: string;
  type: CreditTransactionType;
  /** Signed change of the balance (GRANT, REFUND: positive). */
  amountCents: number;
  lots: LotAmount[];
}

const entryFields = ({ reason, actor, purchaseId, refundId, metadata }: EntryFields): EntryFields => ({
  reason,
  actor,
  ...(purchaseId === undefined ? {} : { purchaseId }),
  ...(refundId === undefined ? {} : { refundId }),
  ...(metadata === undefined ? {} : { metadata }),
});

/**
 * The account after `lotsAfter`, and the entries with the balance each led to. The figures are
 * derived from the lots; the entries' amounts must add up to the change of the balance.
 */
function change(
  before: CreditAccount,
  lotsAfter: readonly Lot[],
  stamp: Stamp,
  drafts: EntryDraft[],
): AccountWrite {
  const kept = lots.prune(lotsAfter);
  const availableCents = sumOf(kept.map((lot) => ({ amountCents: lot.remainingCents })));
  const heldCents = lots.held(kept);
  const after: CreditAccount = {
    customerId: before.customerId,
    availableCents,
    heldCents,
    lots: kept,
    version: before.version + 1,
    entryCount: before.entryCount + drafts.length,
    updatedAt: stamp.now,
  };
  let balance = before.availableCents + before.heldCents;
  let available = before.availableCents;
  const entries = drafts.map(({ lots: lotAmounts, ...draft }, index): CreditTransaction => {
    const next = addCents(balance, draft.amountCents);
    if (next === undefined || next > MAX_BALANCE_CENTS) {
      throw new BalanceLimitExceededError({ customerId: before.customerId });
    }
    balance = next;
    // Each entry states the available credit it led to; the last one, the account's as written
    // (a PURCHASE spends held credit, a release's returned parts were held).
    available = index === drafts.length - 1 ? availableCents : available + draft.amountCents;
    return {
      id: draft.id,
      customerId: before.customerId,
      type: draft.type,
      amountCents: draft.amountCents,
      balanceAfterCents: balance,
      availableAfterCents: available,
      reason: draft.reason,
      actor: draft.actor,
      ...(draft.purchaseId === undefined ? {} : { purchaseId: draft.purchaseId }),
      ...(draft.refundId === undefined ? {} : { refundId: draft.refundId }),
      ...(draft.metadata === undefined ? {} : { metadata: draft.metadata }),
      lots: lotAmounts,
      createdAt: stamp.now,
    };
  });
  if (balance !== availableCents + heldCents) {
    // The entries must tell exactly how the balance moved.
    throw new Error(`ledger entries of ${before.customerId} do not add up to the change of its lots`);
  }
  return { before, after, entries };
}

function expiryEntries(
  expired: readonly LotDraw[],
  stamp: Stamp,
  link: { purchaseId?: string | undefined; refundId?: string | undefined },
): EntryDraft[] {
  if (expired.length === 0) return [];
  return [
    {
      id: stamp.newId(),
      type: 'EXPIRY',
      amountCents: -sumOf(expired),
      reason: EXPIRY_REASON,
      actor: EXPIRY_ACTOR,
      ...(link.purchaseId === undefined ? {} : { purchaseId: link.purchaseId }),
      ...(link.refundId === undefined ? {} : { refundId: link.refundId }),
      lots: amounts(expired),
    },
  ];
}

const amounts = (draws: readonly LotDraw[]): LotAmount[] =>
  draws.map(({ lotId, amountCents }) => ({ lotId, amountCents }));

function sumOf(parts: readonly { amountCents: number }[]): number {
  const total = addCents(...parts.map((part) => part.amountCents));
  if (total === undefined) throw new Error('lot amounts left exact integers');
  return total;
}

function onlyEntry(write: AccountWrite): CreditTransaction {
  const [entry] = write.entries;
  if (entry === undefined || write.entries.length !== 1) throw new Error('expected exactly one ledger entry');
  return entry;
}

const noId = (): string => {
  throw new Error('a change without entries takes no id');
};

/** Runs a lot operation, turning its refusals into the ledger's domain errors. */
function ledgerCall<T>(account: CreditAccount, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof lots.InsufficientLotsError) {
      const { availableCents, requestedCents } = error.details as {
        availableCents: number;
        requestedCents: number;
      };
      throw new InsufficientCreditError({ customerId: account.customerId, availableCents, requestedCents });
    }
    if (error instanceof lots.LotAmountOverflowError || error instanceof lots.LotLimitExceededError) {
      throw new BalanceLimitExceededError({ customerId: account.customerId, ...error.details });
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Storage format: the one decoder of an account item (the stores and the known-customers list).

const LotSchema = z.object({
  lotId: z.string(),
  category: z.enum(['PAID', 'PROMOTIONAL']),
  grantedCents: z.number().int(),
  remainingCents: z.number().int(),
  heldCents: z.number().int(),
  // Absent, never undefined: a stored lot is a Lot as lots.ts makes it.
  expiresAt: z.string().exactOptional(),
  grantedAt: z.string(),
  transactionId: z.string(),
});

const AccountItemSchema = z.object({
  customerId: z.string(),
  availableCents: z.number().int(),
  heldCents: z.number().int(),
  lots: z.array(LotSchema).default([]),
  version: z.number().int(),
  entryCount: z.number().int().optional(),
  updatedAt: z.string().nullable().default(null),
});

export function accountFromItem(item: Record<string, unknown>): CreditAccount {
  const { entryCount, ...account } = AccountItemSchema.parse(item);
  // Accounts written before entries were counted on their own kept entry n in version slot n.
  return { ...account, entryCount: entryCount ?? account.version };
}

import { addCents, isCents } from '#shared/money.ts';

/**
 * Credit lots (issue 21): the pure algebra of a customer's credit as lots with a category and an
 * optional expiry. No I/O and no clock: every time is an ISO string passed in. The ledger core
 * computes a change here and writes it with the account (`import * as lots from './lots.ts'`).
 *
 * Decisions, each with its reason:
 * - **Lots live inside the account item** (a list on the account), not as items of their own. One
 *   spend that draws from any number of lots is then one conditional write of one item, so the
 *   transaction item limit (10 in DynamoDB Local, 100 in AWS) never bounds how many lots a spend
 *   may use. The item's 400 KB bounds the list instead: see {@link MAX_OPEN_LOTS}.
 * - **Open** means not expired: a lot without `expiresAt`, or one whose `expiresAt` is later than
 *   `now`. At or after its `expiresAt` a lot is never drawn from, never refunded to, and never
 *   merged into; a part of it that comes back (release, refund) expires at once (Stripe's rule).
 * - **A lot's `expiresAt` is set when it is made and never changes.** A grant merges into an open
 *   lot of its category whose expiry is on the same UTC day *and not later than the grant's own*
 *   (of several, the latest); otherwise it makes a new lot. Credit may so lapse up to a day before
 *   its grant allowed, never a moment after, so "no credit was spent after its `expiresAt`" holds
 *   for every grant and not just every lot; and a draw's copy of `expiresAt` stays true for ever.
 * - **Grants that never expire merge** into the open lot of their category that never expires:
 *   such lots never lapse, so unmerged top-ups would pile up without end, and two of them differ
 *   in nothing the spending order or the proof looks at. Merging keeps the first grant's
 *   `lotId`, `grantedAt` and `transactionId`; the ledger's GRANT entry says which lot it went to.
 * - **Spending order** (deductions and holds alike): soonest `expiresAt` first, never-expiring
 *   last; at equal expiry `PROMOTIONAL` before `PAID` (promotional credit is the one to lose);
 *   then the oldest (`grantedAt`, then `lotId`, so the order is total and every run agrees).
 *   Every returned list of lots is in this order.
 * - **Times are compared as instants**, not as strings (`…00Z` and `…00.000Z` are the same
 *   instant but not the same text), and a grant stores them as `toISOString()`.
 * - **Nothing is mutated**: every operation returns new lists; unchanged lots are shared.
 */

export type LotCategory = 'PAID' | 'PROMOTIONAL';

export const LOT_CATEGORIES: readonly LotCategory[] = ['PAID', 'PROMOTIONAL'];

/** Credit from one grant (or several merged ones). `remainingCents` is spendable; `heldCents` is held by purchases in flight. */
export interface Lot {
  readonly lotId: string;
  readonly category: LotCategory;
  /** What grants put into the lot; 0 for a lot a refund recreated (its grant is in the ledger). */
  readonly grantedCents: number;
  readonly remainingCents: number;
  readonly heldCents: number;
  readonly expiresAt?: string;
  readonly grantedAt: string;
  /** The GRANT entry that made the lot. */
  readonly transactionId: string;
}

/**
 * An amount that moved out of or into one lot. It carries the lot's identity (category, expiry,
 * `grantedAt`, `transactionId`) so that a refund can recreate a lot that was pruned while empty,
 * exactly as it was, in the same place of the spending order.
 */
export interface LotDraw {
  readonly lotId: string;
  readonly amountCents: number;
  readonly category: LotCategory;
  readonly expiresAt?: string;
  readonly grantedAt: string;
  readonly transactionId: string;
}

/**
 * The most lots an account keeps. A lot stored as a DynamoDB map takes at most ~305 bytes (ids of
 * at most {@link MAX_LOT_ID_LENGTH} characters, 24-character times, safe-integer cents, the eight
 * attribute names and the map's overhead; a typical lot with ULIDs ~230). 400 lots are at most
 * ~122 KB; the list can briefly reach about twice that (lots that expired while held, lots a
 * refund recreated), ~244 KB, which leaves the account's other attributes well inside 400 KB.
 * Every write rewrites the whole item, so lots also cost: ~1 write unit per 1 KB.
 */
export const MAX_OPEN_LOTS = 400;

/** Ids longer than this are refused, so that the size bound above holds. */
export const MAX_LOT_ID_LENGTH = 64;

// ---------------------------------------------------------------------------------------------
// Errors: a small named family, HTTP-agnostic. The ledger turns them into its own errors (with
// `cause`): InsufficientLots into InsufficientCredit, LotAmountOverflow into BalanceLimitExceeded;
// the others mean the stored lots and the caller's draws disagree, which is a bug, not a request.

export class LotError extends Error {
  override readonly name: string = 'LotError';
  constructor(
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** An argument breaks a precondition: an amount that is not whole cents, a time that does not parse… */
export class InvalidLotInputError extends LotError {
  override readonly name = 'InvalidLotInputError';
}

/** The lots open at `now` hold less than a deduction or hold asks for. */
export class InsufficientLotsError extends LotError {
  override readonly name = 'InsufficientLotsError';
  constructor(details: { availableCents: number; requestedCents: number }) {
    super('The open lots do not hold enough credit.', details);
  }
}

/** A grant would make one lot more than {@link MAX_OPEN_LOTS}. */
export class LotLimitExceededError extends LotError {
  override readonly name = 'LotLimitExceededError';
  constructor(details: { lots: number; maxLots: number }) {
    super(`An account keeps at most ${details.maxLots} lots.`, details);
  }
}

/** A release or Commit names a lot that is not there, or more than the lot holds. */
export class HeldDrawMismatchError extends LotError {
  override readonly name = 'HeldDrawMismatchError';
}

/** A refund asks for more than the purchase drew, less what earlier refunds returned. */
export class RefundExceedsDrawsError extends LotError {
  override readonly name = 'RefundExceedsDrawsError';
}

/** A sum would leave exact integers. */
export class LotAmountOverflowError extends LotError {
  override readonly name = 'LotAmountOverflowError';
  constructor() {
    super('An amount would no longer be an exact number of cents.');
  }
}

// ---------------------------------------------------------------------------------------------
// Operations

export interface GrantInput {
  /** The new lot's id, if the grant does not merge: derive it from the transaction, so a retry agrees. */
  lotId: string;
  category: LotCategory;
  amountCents: number;
  expiresAt?: string;
  grantedAt: string;
  transactionId: string;
}

export interface GrantResult {
  lots: Lot[];
  /** The lot the grant went to: its own, or the one it merged into. */
  lotId: string;
  merged: boolean;
  /** When the granted credit lapses: the lot's, which a merge may make earlier than asked (same UTC day). */
  expiresAt?: string;
}

export interface DrawResult {
  lots: Lot[];
  /** In the order drawn; they add up to the amount. */
  draws: LotDraw[];
}

export interface ReturnResult {
  lots: Lot[];
  /** Parts that went back to open lots. */
  returned: LotDraw[];
  /** Parts whose lot had expired by `now`: they leave the balance at once (an EXPIRY entry each). */
  expired: LotDraw[];
}

/**
 * Adds credit: merged into an open lot of the category that lapses on the same UTC day no later
 * than this grant (or, without expiry, into the open lot that never lapses), else a new lot.
 * @throws InvalidLotInputError for an amount that is not positive whole cents, an expiry not after
 *   `grantedAt`, a `lotId` already used, an id that is empty or too long
 * @throws LotLimitExceededError when a new lot would make more than {@link MAX_OPEN_LOTS}
 * @throws LotAmountOverflowError
 */
export function grant(lots: readonly Lot[], input: GrantInput): GrantResult {
  checkLots(lots);
  checkCents(input.amountCents, 'amountCents', { positive: true });
  checkCategory(input.category);
  checkId(input.lotId, 'lotId');
  checkId(input.transactionId, 'transactionId');
  const grantedAtMs = instant(input.grantedAt, 'grantedAt');
  const expiresAtMs = input.expiresAt === undefined ? undefined : instant(input.expiresAt, 'expiresAt');
  if (expiresAtMs !== undefined && expiresAtMs <= grantedAtMs) {
    throw new InvalidLotInputError('A lot must expire after it is granted.', { field: 'expiresAt' });
  }
  if (lots.some((lot) => lot.lotId === input.lotId)) {
    throw new InvalidLotInputError('The lotId is already used.', { lotId: input.lotId });
  }

  const target = mergeTarget(lots, input.category, expiresAtMs, grantedAtMs);
  if (target !== undefined) {
    const merged: Lot = {
      ...target,
      grantedCents: plus(target.grantedCents, input.amountCents),
      remainingCents: plus(target.remainingCents, input.amountCents),
    };
    return {
      lots: inSpendingOrder(lots.map((lot) => (lot === target ? merged : lot))),
      lotId: target.lotId,
      merged: true,
      ...optionalExpiry(target.expiresAt),
    };
  }

  // Only lots that prune would keep count: the ledger prunes on every write.
  const kept = lots.filter(isKept).length + 1;
  if (kept > MAX_OPEN_LOTS) throw new LotLimitExceededError({ lots: kept, maxLots: MAX_OPEN_LOTS });
  const expiresAt = expiresAtMs === undefined ? undefined : new Date(expiresAtMs).toISOString();
  const created: Lot = {
    lotId: input.lotId,
    category: input.category,
    grantedCents: input.amountCents,
    remainingCents: input.amountCents,
    heldCents: 0,
    ...optionalExpiry(expiresAt),
    grantedAt: new Date(grantedAtMs).toISOString(),
    transactionId: input.transactionId,
  };
  return {
    lots: inSpendingOrder([...lots, created]),
    lotId: created.lotId,
    merged: false,
    ...optionalExpiry(expiresAt),
  };
}

/**
 * Takes credit for good (DEDUCTION), from the lots open at `now` in spending order.
 * @throws InsufficientLotsError when the lots open at `now` hold less than `amountCents`
 */
export function deduct(lots: readonly Lot[], amountCents: number, now: string): DrawResult {
  return drawFrom(lots, amountCents, now, 'deduct');
}

/**
 * Holds credit for a purchase in flight (Reserve): `remainingCents` → `heldCents` of the lots open
 * at `now`, in spending order. The reservation keeps the draws for release, Commit and refunds.
 * @throws InsufficientLotsError when the lots open at `now` hold less than `amountCents`
 */
export function hold(lots: readonly Lot[], amountCents: number, now: string): DrawResult {
  return drawFrom(lots, amountCents, now, 'hold');
}

/**
 * Gives held credit back (a purchase that failed): each draw's amount leaves `heldCents`; it goes
 * back to `remainingCents` if its lot is open at `now`, and otherwise expires at once.
 * @throws HeldDrawMismatchError when a draw names a lot that is not there or holds less
 */
export function release(lots: readonly Lot[], draws: readonly LotDraw[], now: string): ReturnResult {
  checkLots(lots);
  const nowMs = instant(now, 'now');
  const byId = unheld(lots, draws);
  const returned: LotDraw[] = [];
  const expired: LotDraw[] = [];
  for (const draw of draws) {
    const lot = mustGet(byId, draw.lotId);
    if (isOpen(lot, nowMs)) {
      byId.set(lot.lotId, { ...lot, remainingCents: plus(lot.remainingCents, draw.amountCents) });
      returned.push(drawOf(lot, draw.amountCents));
    } else {
      expired.push(drawOf(lot, draw.amountCents));
    }
  }
  return { lots: inSpendingOrder([...byId.values()]), returned, expired };
}

/**
 * Spends held credit (Commit): each draw's amount leaves `heldCents` for good. It needs no `now`:
 * a lot that expired while held kept that part for this purchase, which began before the expiry.
 * @throws HeldDrawMismatchError when a draw names a lot that is not there or holds less
 */
export function spendHeld(lots: readonly Lot[], draws: readonly LotDraw[]): Lot[] {
  checkLots(lots);
  return inSpendingOrder([...unheld(lots, draws).values()]);
}

/**
 * Returns a refund to the lots the purchase drew from, the last-drawn first, never more to a lot
 * than the purchase drew from it less what earlier refunds gave back. A lot pruned since is
 * recreated from the draw; a part whose lot has expired by `now` expires at once. Recreating is
 * never refused for room, though it may take the list past {@link MAX_OPEN_LOTS}: the refund is owed.
 * @param purchaseDraws what the purchase drew (its hold's draws), in the order drawn
 * @param alreadyReturned every earlier refund's `returned` and `expired` parts for this purchase
 * @throws RefundExceedsDrawsError when `amountCents` is more than is left to refund
 */
export function refund(
  lots: readonly Lot[],
  purchaseDraws: readonly LotDraw[],
  alreadyReturned: readonly LotDraw[],
  amountCents: number,
  now: string,
): ReturnResult {
  checkLots(lots);
  checkCents(amountCents, 'amountCents');
  const nowMs = instant(now, 'now');
  for (const draw of [...purchaseDraws, ...alreadyReturned]) checkDraw(draw);

  // Per lot: what is left to refund, and the draw that last took from it (for the order and to recreate it).
  const left = new Map<string, { cents: number; draw: LotDraw }>();
  for (const draw of purchaseDraws) {
    const cents = plus(left.get(draw.lotId)?.cents ?? 0, draw.amountCents);
    left.delete(draw.lotId); // re-inserted: a Map iterates in insertion order, so this is now its last draw
    left.set(draw.lotId, { cents, draw });
  }
  for (const part of alreadyReturned) {
    const entry = left.get(part.lotId);
    if (entry === undefined || entry.cents < part.amountCents) {
      throw new RefundExceedsDrawsError(
        'Earlier refunds returned more to a lot than the purchase drew from it.',
        {
          lotId: part.lotId,
        },
      );
    }
    entry.cents = plus(entry.cents, -part.amountCents);
  }
  const refundableCents = sum([...left.values()].map((entry) => entry.cents));
  if (amountCents > refundableCents) {
    throw new RefundExceedsDrawsError('The refund is more than the purchase has left to refund.', {
      refundableCents,
      requestedCents: amountCents,
    });
  }

  const byId = new Map(lots.map((lot) => [lot.lotId, lot]));
  const returned: LotDraw[] = [];
  const expired: LotDraw[] = [];
  let toReturn = amountCents;
  for (const { cents, draw } of [...left.values()].reverse()) {
    if (toReturn === 0) break;
    const take = Math.min(cents, toReturn);
    if (take === 0) continue;
    toReturn = plus(toReturn, -take);
    const lot = byId.get(draw.lotId) ?? recreated(draw);
    if (lot.category !== draw.category) {
      throw new HeldDrawMismatchError('A draw and its lot disagree on the category.', { lotId: lot.lotId });
    }
    if (isOpen(lot, nowMs)) {
      byId.set(lot.lotId, { ...lot, remainingCents: plus(lot.remainingCents, take) });
      returned.push(drawOf(lot, take));
    } else {
      expired.push(drawOf(lot, take));
    }
  }
  return { lots: inSpendingOrder([...byId.values()]), returned, expired };
}

/**
 * Expires what remains of every lot due at `now` (EXPIRY entries). A lot's `heldCents` stays: it
 * belongs to a purchase that began before the expiry. Running it again expires nothing more.
 */
export function expire(lots: readonly Lot[], now: string): { lots: Lot[]; expired: LotDraw[] } {
  checkLots(lots);
  const nowMs = instant(now, 'now');
  const expired: LotDraw[] = [];
  const after = inSpendingOrder(lots).map((lot) => {
    if (isOpen(lot, nowMs) || lot.remainingCents === 0) return lot;
    expired.push(drawOf(lot, lot.remainingCents));
    return { ...lot, remainingCents: 0 };
  });
  return { lots: after, expired };
}

/** The lots without those that hold nothing: a refund recreates one from its draw if it needs to. */
export function prune(lots: readonly Lot[]): Lot[] {
  checkLots(lots);
  return inSpendingOrder(lots.filter(isKept));
}

// ---------------------------------------------------------------------------------------------
// Views

/** What can be spent at `now`: the remainders of the open lots (a due lot not yet expired is not). */
export function available(lots: readonly Lot[], now: string): number {
  const nowMs = instant(now, 'now');
  return sum(lots.filter((lot) => isOpen(lot, nowMs)).map((lot) => lot.remainingCents));
}

/** What purchases in flight hold, from any lot, expired or not. */
export function held(lots: readonly Lot[]): number {
  return sum(lots.map((lot) => lot.heldCents));
}

/** The balance per category: remaining plus held, over every lot (reconciliation's per-category sum). */
export function byCategory(lots: readonly Lot[]): Record<LotCategory, number> {
  const total = (category: LotCategory): number =>
    sum(
      lots.filter((lot) => lot.category === category).flatMap((lot) => [lot.remainingCents, lot.heldCents]),
    );
  return { PAID: total('PAID'), PROMOTIONAL: total('PROMOTIONAL') };
}

/**
 * The next credit to lapse after `now`: the soonest expiry among open lots with a remainder, and
 * the remainders of every lot that lapses at that instant. Held parts are left out (they do not lapse).
 */
export function nextExpiry(
  lots: readonly Lot[],
  now: string,
): { amountCents: number; expiresAt: string } | null {
  const nowMs = instant(now, 'now');
  const lapsing = inSpendingOrder(lots).filter(
    (lot) => lot.expiresAt !== undefined && lot.remainingCents > 0 && isOpen(lot, nowMs),
  );
  const first = lapsing[0];
  if (first?.expiresAt === undefined) return null;
  const atMs = instant(first.expiresAt, 'expiresAt');
  const amountCents = sum(lapsing.filter((lot) => expiryMs(lot) === atMs).map((lot) => lot.remainingCents));
  return { amountCents, expiresAt: first.expiresAt };
}

/** The lots open at `now` that hold anything, soonest-expiring first (the order they are spent in). */
export function openLots(lots: readonly Lot[], now: string): Lot[] {
  const nowMs = instant(now, 'now');
  return inSpendingOrder(lots.filter((lot) => isOpen(lot, nowMs) && isKept(lot)));
}

/** The spending order, as a comparator: soonest expiry, PROMOTIONAL first, oldest, lotId. */
export function compareSpendingOrder(a: Lot, b: Lot): number {
  return (
    expiryMs(a) - expiryMs(b) ||
    categoryRank(a.category) - categoryRank(b.category) ||
    instant(a.grantedAt, 'grantedAt') - instant(b.grantedAt, 'grantedAt') ||
    compareIds(a.lotId, b.lotId)
  );
}

// ---------------------------------------------------------------------------------------------
// Internals

function drawFrom(
  lots: readonly Lot[],
  amountCents: number,
  now: string,
  kind: 'deduct' | 'hold',
): DrawResult {
  checkLots(lots);
  checkCents(amountCents, 'amountCents');
  const nowMs = instant(now, 'now');
  const availableCents = available(lots, now);
  if (availableCents < amountCents) {
    throw new InsufficientLotsError({ availableCents, requestedCents: amountCents });
  }
  const draws: LotDraw[] = [];
  let toDraw = amountCents;
  const after = inSpendingOrder(lots).map((lot) => {
    if (toDraw === 0 || lot.remainingCents === 0 || !isOpen(lot, nowMs)) return lot;
    const take = Math.min(lot.remainingCents, toDraw);
    toDraw = plus(toDraw, -take);
    draws.push(drawOf(lot, take));
    return {
      ...lot,
      remainingCents: plus(lot.remainingCents, -take),
      heldCents: kind === 'hold' ? plus(lot.heldCents, take) : lot.heldCents,
    };
  });
  return { lots: after, draws };
}

/** The lots by id with each draw's amount taken out of its lot's `heldCents`. */
function unheld(lots: readonly Lot[], draws: readonly LotDraw[]): Map<string, Lot> {
  const byId = new Map(lots.map((lot) => [lot.lotId, lot]));
  for (const draw of draws) {
    checkDraw(draw);
    const lot = byId.get(draw.lotId);
    if (lot === undefined || lot.heldCents < draw.amountCents || lot.category !== draw.category) {
      throw new HeldDrawMismatchError('A draw does not match what its lot holds.', {
        lotId: draw.lotId,
        heldCents: lot?.heldCents ?? null,
        amountCents: draw.amountCents,
      });
    }
    byId.set(lot.lotId, { ...lot, heldCents: plus(lot.heldCents, -draw.amountCents) });
  }
  return byId;
}

function mergeTarget(
  lots: readonly Lot[],
  category: LotCategory,
  expiresAtMs: number | undefined,
  grantedAtMs: number,
): Lot | undefined {
  const candidates = lots.filter((lot) => {
    if (lot.category !== category || !isOpen(lot, grantedAtMs)) return false;
    if (expiresAtMs === undefined || lot.expiresAt === undefined) return expiresAtMs === lot.expiresAt;
    const lotMs = expiryMs(lot);
    return utcDay(lotMs) === utcDay(expiresAtMs) && lotMs <= expiresAtMs;
  });
  // The latest expiry loses the grant the least time; at equal expiry, the first in spending order.
  return inSpendingOrder(candidates).reduce<Lot | undefined>(
    (best, lot) => (best === undefined || expiryMs(lot) > expiryMs(best) ? lot : best),
    undefined,
  );
}

function recreated(draw: LotDraw): Lot {
  return {
    lotId: draw.lotId,
    category: draw.category,
    grantedCents: 0,
    remainingCents: 0,
    heldCents: 0,
    ...optionalExpiry(draw.expiresAt),
    grantedAt: draw.grantedAt,
    transactionId: draw.transactionId,
  };
}

function drawOf(lot: Lot, amountCents: number): LotDraw {
  return {
    lotId: lot.lotId,
    amountCents,
    category: lot.category,
    ...optionalExpiry(lot.expiresAt),
    grantedAt: lot.grantedAt,
    transactionId: lot.transactionId,
  };
}

function mustGet(byId: ReadonlyMap<string, Lot>, lotId: string): Lot {
  const lot = byId.get(lotId);
  if (lot === undefined) throw new HeldDrawMismatchError('A draw names a lot that is not there.', { lotId });
  return lot;
}

/** Sorts on keys parsed once per lot, not once per comparison: a Reserve may sort hundreds. */
function inSpendingOrder(lots: readonly Lot[]): Lot[] {
  return lots
    .map((lot) => ({ lot, expires: expiryMs(lot), granted: instant(lot.grantedAt, 'grantedAt') }))
    .sort(
      (a, b) =>
        a.expires - b.expires ||
        categoryRank(a.lot.category) - categoryRank(b.lot.category) ||
        a.granted - b.granted ||
        compareIds(a.lot.lotId, b.lot.lotId),
    )
    .map(({ lot }) => lot);
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isOpen(lot: Lot, nowMs: number): boolean {
  return lot.expiresAt === undefined || expiryMs(lot) > nowMs;
}

function isKept(lot: Lot): boolean {
  return lot.remainingCents > 0 || lot.heldCents > 0;
}

function expiryMs(lot: Lot): number {
  return lot.expiresAt === undefined ? Number.POSITIVE_INFINITY : instant(lot.expiresAt, 'expiresAt');
}

function categoryRank(category: LotCategory): number {
  return category === 'PROMOTIONAL' ? 0 : 1;
}

const DAY_MS = 86_400_000;

function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

function optionalExpiry(expiresAt: string | undefined): { expiresAt?: string } {
  return expiresAt === undefined ? {} : { expiresAt };
}

function instant(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new InvalidLotInputError(`${field} is not a time.`, { field, value: iso });
  return ms;
}

function plus(a: number, b: number): number {
  const total = addCents(a, b);
  if (total === undefined) throw new LotAmountOverflowError();
  return total;
}

function sum(amounts: readonly number[]): number {
  const total = addCents(...amounts);
  if (total === undefined) throw new LotAmountOverflowError();
  return total;
}

function checkCents(value: number, field: string, { positive = false } = {}): void {
  if (!isCents(value) || value < 0 || (positive && value === 0)) {
    throw new InvalidLotInputError(
      `${field} must be ${positive ? 'positive' : 'non-negative'} whole cents.`,
      {
        field,
        value,
      },
    );
  }
}

function checkCategory(category: string): void {
  if (!(LOT_CATEGORIES as readonly string[]).includes(category)) {
    throw new InvalidLotInputError('Unknown lot category.', { category });
  }
}

function checkId(id: string, field: string): void {
  if (id.length === 0 || id.length > MAX_LOT_ID_LENGTH) {
    throw new InvalidLotInputError(`${field} must have 1 to ${MAX_LOT_ID_LENGTH} characters.`, { field });
  }
}

function checkDraw(draw: LotDraw): void {
  checkCents(draw.amountCents, 'amountCents', { positive: true });
  checkCategory(draw.category);
  if (draw.expiresAt !== undefined) instant(draw.expiresAt, 'expiresAt');
  instant(draw.grantedAt, 'grantedAt');
}

/** Every operation starts from lots that keep the invariants, so a corrupt item fails loudly, not silently. */
function checkLots(lots: readonly Lot[]): void {
  const ids = new Set<string>();
  for (const lot of lots) {
    if (ids.has(lot.lotId)) throw new InvalidLotInputError('Two lots share a lotId.', { lotId: lot.lotId });
    ids.add(lot.lotId);
    checkCategory(lot.category);
    checkCents(lot.grantedCents, 'grantedCents');
    checkCents(lot.remainingCents, 'remainingCents');
    checkCents(lot.heldCents, 'heldCents');
    instant(lot.grantedAt, 'grantedAt');
    if (lot.expiresAt !== undefined) instant(lot.expiresAt, 'expiresAt');
  }
}

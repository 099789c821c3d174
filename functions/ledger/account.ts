import { BalanceLimitExceededError } from '#shared/errors.ts';
import { addCents, MAX_BALANCE_CENTS } from '#shared/money.ts';
import type { Credit, CreditTransaction, CreditTransactionType } from '../credit/credit.schemas.ts';

/**
 * The ledger core: a customer's account, and the one function that computes every change of it
 * (grants, deductions, purchases, refunds) together with the ledger entry that records it.
 */

/** A customer's balance as stored. `balanceCents` is derived: available + held. */
export interface CreditAccount {
  customerId: string;
  availableCents: number;
  heldCents: number;
  /** Grows by one with every write to the account; the precondition of every ledger write. */
  version: number;
  updatedAt: string | null;
}

/** Reads an account as it is now (strongly consistent): the "before" of every change. */
export interface AccountReader {
  getAccount(customerId: string): Promise<CreditAccount | undefined>;
}

/** What a ledger writer writes: the account as read, as it will be, and the entry. */
export interface LedgerEntryWrite {
  /** The account as it was read; the write happens only if it is still exactly this. */
  before: CreditAccount;
  after: CreditAccount;
  transaction: CreditTransaction;
}

/** A change to an account: how available and held credit move, and what the ledger says about it. */
export interface AccountChange {
  customerId: string;
  type: CreditTransactionType;
  availableDeltaCents: number;
  heldDeltaCents?: number;
  reason: string;
  actor: string;
  purchaseId?: string;
  refundId?: string;
  metadata?: CreditTransaction['metadata'];
}

export const emptyAccount = (customerId: string): CreditAccount => ({
  customerId,
  availableCents: 0,
  heldCents: 0,
  version: 0,
  updatedAt: null,
});

export function creditView(account: CreditAccount): Credit {
  return {
    customerId: account.customerId,
    currency: 'USD',
    balanceCents: account.availableCents + account.heldCents,
    availableCents: account.availableCents,
    heldCents: account.heldCents,
    updatedAt: account.updatedAt,
  };
}

/**
 * The one place a balance change is computed: the account after it (next version) and the ledger
 * entry that records it, whose signed amount is the change of the balance (available + held) and
 * which states the balance and available credit it led to.
 * @throws BalanceLimitExceededError when a figure would leave exact integers
 */
export function applyChange(
  before: CreditAccount,
  change: AccountChange,
  stamp: { id: string; now: string },
): LedgerEntryWrite {
  const { availableDeltaCents, heldDeltaCents = 0 } = change;
  const availableAfter = addCents(before.availableCents, availableDeltaCents);
  const heldAfter = addCents(before.heldCents, heldDeltaCents);
  const amountCents = addCents(availableDeltaCents, heldDeltaCents);
  const balanceAfter =
    availableAfter === undefined || heldAfter === undefined ? undefined : addCents(availableAfter, heldAfter);
  if (amountCents === undefined || balanceAfter === undefined || balanceAfter > MAX_BALANCE_CENTS) {
    throw new BalanceLimitExceededError({ customerId: change.customerId });
  }
  const after: CreditAccount = {
    ...before,
    availableCents: availableAfter ?? 0,
    heldCents: heldAfter ?? 0,
    version: before.version + 1,
    updatedAt: stamp.now,
  };
  const transaction: CreditTransaction = {
    id: stamp.id,
    customerId: change.customerId,
    type: change.type,
    amountCents,
    balanceAfterCents: balanceAfter,
    availableAfterCents: after.availableCents,
    reason: change.reason,
    actor: change.actor,
    ...(change.purchaseId === undefined ? {} : { purchaseId: change.purchaseId }),
    ...(change.refundId === undefined ? {} : { refundId: change.refundId }),
    ...(change.metadata === undefined ? {} : { metadata: change.metadata }),
    createdAt: stamp.now,
  };
  return { before, after, transaction };
}

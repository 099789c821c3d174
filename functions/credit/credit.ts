import type { Clock } from '#shared/clock.ts';
import { BalanceLimitExceededError, ConflictError, InsufficientCreditError } from '#shared/errors.ts';
import type { CustomerDirectory } from '#shared/external/external-api.client.ts';
import type { IdGenerator } from '#shared/ids.ts';
import { addCents, MAX_BALANCE_CENTS } from '#shared/money.ts';
import type { Page, PageRequest } from '#shared/pagination.ts';
import type {
  Credit,
  CreditChangeResponse,
  CreditTransaction,
  CreditTransactionType,
} from './credit.schemas.ts';

/** A customer's balance as stored. `balanceCents` is derived: available + held. */
export interface CreditAccount {
  customerId: string;
  availableCents: number;
  heldCents: number;
  /** Grows by one with every write to the account; the precondition of every ledger write. */
  version: number;
  updatedAt: string | null;
}

export interface CreditEntryWrite {
  /** The account as it was read; the write happens only if it is still exactly this. */
  before: CreditAccount;
  after: CreditAccount;
  transaction: CreditTransaction;
  /** Present when the change comes from an idempotent request: it may apply only once. */
  operationId?: string | undefined;
}

/** The account changed between read and write: read again and retry. */
export class StaleAccountError extends Error {
  override readonly name = 'StaleAccountError';
}

/** This operation already changed the account: answer with what it wrote. */
export class OperationAlreadyAppliedError extends Error {
  override readonly name = 'OperationAlreadyAppliedError';
}

export interface CreditRepository {
  getAccount(customerId: string): Promise<CreditAccount | undefined>;
  /**
   * Writes the new balance and its ledger entry in one transaction.
   * @throws StaleAccountError when the account moved on since it was read
   * @throws OperationAlreadyAppliedError when `operationId` was applied before
   */
  appendEntry(write: CreditEntryWrite): Promise<void>;
  findEntryByOperation(customerId: string, operationId: string): Promise<CreditTransaction | undefined>;
  listEntries(customerId: string, page: PageRequest): Promise<Page<CreditTransaction>>;
}

export interface RetryPolicy {
  maxAttempts: number;
  /** Waits before attempt number `attempt` (2, 3, …). */
  wait(attempt: number): Promise<void>;
}

export interface CreditDeps {
  repository: CreditRepository;
  customers: CustomerDirectory;
  clock: Clock;
  newId: IdGenerator;
  retry: RetryPolicy;
}

export interface CreditChange {
  customerId: string;
  type: 'GRANT' | 'DEDUCTION';
  amountCents: number;
  reason: string;
  actor: string;
  metadata?: Record<string, unknown> | undefined;
  operationId?: string | undefined;
}

/** Full jitter, capped: concurrent writers that collided spread out instead of colliding again. */
export function jitteredBackoff(options: {
  maxAttempts: number;
  baseMs: number;
  capMs: number;
}): RetryPolicy {
  return {
    maxAttempts: options.maxAttempts,
    wait: (attempt) => {
      const ceiling = Math.min(options.capMs, options.baseMs * 2 ** (attempt - 1));
      return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
    },
  };
}

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

/** The balance right after a transaction, as the transaction itself recorded it. */
function creditAfter(transaction: CreditTransaction): Credit {
  return {
    customerId: transaction.customerId,
    currency: 'USD',
    balanceCents: transaction.balanceAfterCents,
    availableCents: transaction.availableAfterCents,
    heldCents: transaction.balanceAfterCents - transaction.availableAfterCents,
    updatedAt: transaction.createdAt,
  };
}

const emptyAccount = (customerId: string): CreditAccount => ({
  customerId,
  availableCents: 0,
  heldCents: 0,
  version: 0,
  updatedAt: null,
});

/** @throws NotFoundError CUSTOMER_NOT_FOUND when the external API does not know the customer */
export async function getCredit(
  deps: Pick<CreditDeps, 'repository' | 'customers'>,
  customerId: string,
): Promise<Credit> {
  // Independent reads: the existence check and the balance go out together.
  const [, account] = await Promise.all([
    deps.customers.getCustomer(customerId),
    deps.repository.getAccount(customerId),
  ]);
  return creditView(account ?? emptyAccount(customerId));
}

export async function listCreditTransactions(
  deps: Pick<CreditDeps, 'repository' | 'customers'>,
  customerId: string,
  page: PageRequest,
): Promise<Page<CreditTransaction>> {
  const [, entries] = await Promise.all([
    deps.customers.getCustomer(customerId),
    deps.repository.listEntries(customerId, page),
  ]);
  return entries;
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
): { after: CreditAccount; transaction: CreditTransaction } {
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
  return { after, transaction };
}

/**
 * Grants or deducts credit: reads the account, checks the rule, and writes the new balance with its
 * ledger entry in one transaction conditional on the account being unchanged. A concurrent writer
 * makes the write fail, never lose a cent; it is then read and decided again.
 *
 * @throws NotFoundError CUSTOMER_NOT_FOUND, InsufficientCreditError, BalanceLimitExceededError
 * @throws ConflictError when contention outlasts the retry budget (the caller may retry)
 */
export async function changeCredit(deps: CreditDeps, change: CreditChange): Promise<CreditChangeResponse> {
  await deps.customers.getCustomer(change.customerId);
  const signedAmount = change.type === 'GRANT' ? change.amountCents : -change.amountCents;

  for (let attempt = 1; attempt <= deps.retry.maxAttempts; attempt++) {
    if (attempt > 1) await deps.retry.wait(attempt);
    const before = (await deps.repository.getAccount(change.customerId)) ?? emptyAccount(change.customerId);

    if (change.type === 'DEDUCTION' && before.availableCents < change.amountCents) {
      // An idempotent retry of a deduction that already went through must not be refused here.
      const applied = await findApplied(deps, change);
      if (applied) return applied;
      throw new InsufficientCreditError({
        customerId: change.customerId,
        availableCents: before.availableCents,
        requestedCents: change.amountCents,
      });
    }
    const { after, transaction } = applyChange(
      before,
      {
        customerId: change.customerId,
        type: change.type,
        availableDeltaCents: signedAmount,
        reason: change.reason,
        actor: change.actor,
        ...(change.metadata === undefined
          ? {}
          : { metadata: change.metadata as CreditTransaction['metadata'] }),
      },
      { id: deps.newId(), now: deps.clock.now().toISOString() },
    );

    try {
      await deps.repository.appendEntry({ before, after, transaction, operationId: change.operationId });
      return { transaction, credit: creditView(after) };
    } catch (error) {
      if (error instanceof OperationAlreadyAppliedError) {
        const applied = await findApplied(deps, change);
        if (applied) return applied;
      }
      if (!(error instanceof StaleAccountError)) throw error;
    }
  }
  throw new ConflictError('The balance kept changing under concurrent updates; retry the request.');
}

async function findApplied(
  deps: CreditDeps,
  change: CreditChange,
): Promise<CreditChangeResponse | undefined> {
  if (change.operationId === undefined) return undefined;
  const transaction = await deps.repository.findEntryByOperation(change.customerId, change.operationId);
  return transaction && { transaction, credit: creditAfter(transaction) };
}

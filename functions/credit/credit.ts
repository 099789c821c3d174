import type { Clock } from '#shared/clock.ts';
import { InsufficientCreditError } from '#shared/errors.ts';
import type { CustomerDirectory } from '#shared/external/external-api.client.ts';
import type { IdGenerator } from '#shared/ids.ts';
import type { Page, PageRequest } from '#shared/pagination.ts';
import { type RetryPolicy, withOptimisticRetry } from '#shared/retry.ts';
import {
  type AccountReader,
  applyChange,
  creditView,
  emptyAccount,
  type LedgerEntryWrite,
} from '../ledger/account.ts';
import { OperationAlreadyAppliedError } from '../ledger/errors.ts';
import type { Credit, CreditChangeResponse, CreditTransaction } from './credit.schemas.ts';

export interface CreditEntryWrite extends LedgerEntryWrite {
  /** Present when the change comes from an idempotent request: it may apply only once. */
  operationId?: string | undefined;
}

export interface CreditRepository extends AccountReader {
  /**
   * Writes the new balance and its ledger entry in one transaction.
   * @throws StaleAccountError when the account moved on since it was read
   * @throws OperationAlreadyAppliedError when `operationId` was applied before
   */
  appendEntry(write: CreditEntryWrite): Promise<void>;
  findEntryByOperation(customerId: string, operationId: string): Promise<CreditTransaction | undefined>;
  listEntries(customerId: string, page: PageRequest): Promise<Page<CreditTransaction>>;
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

  return withOptimisticRetry(
    deps.retry,
    'The balance kept changing under concurrent updates; retry the request.',
    async () => {
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
      const write = applyChange(
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
        await deps.repository.appendEntry({ ...write, operationId: change.operationId });
        return { transaction: write.transaction, credit: creditView(write.after) };
      } catch (error) {
        if (error instanceof OperationAlreadyAppliedError) {
          const applied = await findApplied(deps, change);
          if (applied) return applied;
        }
        throw error;
      }
    },
  );
}

async function findApplied(
  deps: CreditDeps,
  change: CreditChange,
): Promise<CreditChangeResponse | undefined> {
  if (change.operationId === undefined) return undefined;
  const transaction = await deps.repository.findEntryByOperation(change.customerId, change.operationId);
  return transaction && { transaction, credit: creditAfter(transaction) };
}

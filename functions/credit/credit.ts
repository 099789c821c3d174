import type { Clock } from '#shared/clock.ts';
import { ValidationError } from '#shared/errors.ts';
import type { CustomerDirectory } from '#shared/external/external-api.client.ts';
import type { IdGenerator } from '#shared/ids.ts';
import type { Page, PageRequest } from '#shared/pagination.ts';
import { type RetryPolicy, withOptimisticRetry } from '#shared/retry.ts';
import * as ledger from '../ledger/account.ts';
import { type AccountReader, type AccountWrite, creditView, emptyAccount } from '../ledger/account.ts';
import { OperationAlreadyAppliedError } from '../ledger/errors.ts';
import type { LotCategory } from '../ledger/lots.ts';
import type { Credit, CreditChangeResponse, CreditTransaction } from './credit.schemas.ts';

export interface CreditEntryWrite {
  write: AccountWrite;
  /** The answer, kept with the operation's marker so that a replay without its record gets it again. */
  answer: CreditChangeResponse;
  /** Present when the change comes from an idempotent request: it may apply only once. */
  operationId?: string | undefined;
}

export interface CreditRepository extends AccountReader {
  /**
   * Writes the account and its ledger entry in one transaction.
   * @throws StaleAccountError when the account moved on since it was read
   * @throws OperationAlreadyAppliedError when `operationId` was applied before
   */
  appendEntry(write: CreditEntryWrite): Promise<void>;
  /** The answer of the change an operation made, if it made one. */
  findAppliedOperation(customerId: string, operationId: string): Promise<CreditChangeResponse | undefined>;
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
  /** Grants only: the lot's category (PAID when absent) and when it expires (never when absent). */
  category?: LotCategory | undefined;
  expiresAt?: string | undefined;
  operationId?: string | undefined;
}

/** @throws NotFoundError CUSTOMER_NOT_FOUND when the external API does not know the customer */
export async function getCredit(
  deps: Pick<CreditDeps, 'repository' | 'customers' | 'clock'>,
  customerId: string,
): Promise<Credit> {
  // Independent reads: the existence check and the balance go out together.
  const [, account] = await Promise.all([
    deps.customers.getCustomer(customerId),
    deps.repository.getAccount(customerId),
  ]);
  return creditView(account ?? emptyAccount(customerId), deps.clock.now().toISOString());
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
 * Grants or deducts credit: reads the account, lets the ledger decide (a grant makes or joins a lot;
 * a deduction draws from the open lots in spending order), and writes the account with its entry in
 * one transaction conditional on the account being unchanged. A concurrent writer makes the write
 * fail, never lose a cent; it is then read and decided again.
 *
 * @throws ValidationError when a grant's expiry is not in the future or more than 5 years ahead
 * @throws NotFoundError CUSTOMER_NOT_FOUND, InsufficientCreditError, BalanceLimitExceededError
 * @throws ConflictError when contention outlasts the retry budget (the caller may retry)
 */
export async function changeCredit(deps: CreditDeps, change: CreditChange): Promise<CreditChangeResponse> {
  checkExpiry(change.expiresAt, deps.clock.now());
  await deps.customers.getCustomer(change.customerId);

  return withOptimisticRetry(
    deps.retry,
    'The balance kept changing under concurrent updates; retry the request.',
    async () => {
      const before = (await deps.repository.getAccount(change.customerId)) ?? emptyAccount(change.customerId);
      const now = deps.clock.now().toISOString();
      const stamp = { now, newId: deps.newId };
      const fields = {
        amountCents: change.amountCents,
        reason: change.reason,
        actor: change.actor,
        ...(change.metadata === undefined
          ? {}
          : { metadata: change.metadata as CreditTransaction['metadata'] }),
      };
      let decided: { write: AccountWrite; transaction: CreditTransaction };
      try {
        decided =
          change.type === 'GRANT'
            ? ledger.grant(
                before,
                { ...fields, category: change.category ?? 'PAID', expiresAt: change.expiresAt },
                stamp,
              )
            : ledger.deduct(before, fields, stamp);
      } catch (error) {
        // An idempotent retry of a change that already went through must not be refused here.
        const applied = await findApplied(deps, change);
        if (applied) return applied;
        throw error;
      }
      const answer = { transaction: decided.transaction, credit: creditView(decided.write.after, now) };
      try {
        await deps.repository.appendEntry({ write: decided.write, answer, operationId: change.operationId });
        return answer;
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

/** A grant's expiry is in the future and at most 5 years ahead (the contract's bound). */
function checkExpiry(expiresAt: string | undefined, now: Date): void {
  if (expiresAt === undefined) return;
  const at = Date.parse(expiresAt);
  const latest = new Date(now);
  latest.setUTCFullYear(latest.getUTCFullYear() + 5);
  const message =
    at <= now.getTime()
      ? 'must be in the future'
      : at > latest.getTime()
        ? 'must be at most 5 years ahead'
        : undefined;
  if (message !== undefined) throw new ValidationError([{ path: 'body.expiresAt', message }]);
}

function findApplied(deps: CreditDeps, change: CreditChange): Promise<CreditChangeResponse | undefined> {
  if (change.operationId === undefined) return Promise.resolve(undefined);
  return deps.repository.findAppliedOperation(change.customerId, change.operationId);
}

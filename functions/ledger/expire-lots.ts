import type { Clock } from '#shared/clock.ts';
import type { IdGenerator } from '#shared/ids.ts';
import type { Page, PageRequest } from '#shared/pagination.ts';
import { type RetryPolicy, withOptimisticRetry } from '#shared/retry.ts';
import type { AccountReader, AccountWrite } from './account.ts';
import * as ledger from './account.ts';

/**
 * Lots a transaction expires at most: an EXPIRY entry each, beside the account, within DynamoDB
 * Local's 10 items a transaction (AWS takes 100). An account with more due lots takes more writes.
 */
export const LOTS_EXPIRED_PER_WRITE = 8;

/** The expiry run's storage: accounts by when their next lot falls due, and the account writes. */
export interface LotExpiryStore extends AccountReader {
  /** Customers whose next lot fell due at or before `dueBy`, soonest first (the index may run early). */
  listDue(dueBy: string, page: PageRequest): Promise<Page<string>>;
  /** @throws StaleAccountError when the account moved on since it was read */
  writeAccount(write: AccountWrite): Promise<void>;
}

export interface LotExpiryDeps {
  store: LotExpiryStore;
  clock: Clock;
  newId: IdGenerator;
  retry: RetryPolicy;
  logger: { warn: (message: string, fields: Record<string, unknown>) => void };
}

export interface ExpiryResult {
  /** Customers whose lots it expired, and how many lots. */
  customers: number;
  lotsExpired: number;
  expiredCents: number;
  /** False when the run stopped at its deadline with accounts left; the next run goes on. */
  complete: boolean;
}

/**
 * Expires what remains of every lot that has fallen due: an EXPIRY entry per lot (`system:expiry`,
 * reason `expired`), each written with the account, conditional on the account being as read. Finds
 * the accounts through their due index, never a scan. Idempotent: an expired lot has nothing left to
 * expire, so a retried or overlapping run writes nothing twice (the version condition decides a
 * race). An account whose index entry ran early (a hold spent the lot) gets its entry moved on.
 * Pages until every due account is done or `deadline` passes.
 */
export async function expireDueLots(
  deps: LotExpiryDeps,
  options: { pageSize: number; deadline: Date },
): Promise<ExpiryResult> {
  const result: ExpiryResult = { customers: 0, lotsExpired: 0, expiredCents: 0, complete: false };
  const dueBy = deps.clock.now().toISOString();
  let cursor: string | undefined;
  do {
    const page = await deps.store.listDue(dueBy, { limit: options.pageSize, cursor });
    for (const customerId of page.items) {
      try {
        const expired = await expireAccount(deps, customerId);
        if (expired.lots > 0) {
          result.customers += 1;
          result.lotsExpired += expired.lots;
          result.expiredCents += expired.cents;
        }
      } catch (error) {
        // One account that cannot be written must not stop the others; the next run retries it.
        deps.logger.warn('lots not expired', { customerId, error: error as Error });
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && deps.clock.now() < options.deadline);
  result.complete = cursor === undefined;
  return result;
}

/** Every due lot of one account, a transaction per {@link LOTS_EXPIRED_PER_WRITE} lots. */
async function expireAccount(
  deps: LotExpiryDeps,
  customerId: string,
): Promise<{ lots: number; cents: number }> {
  const done = { lots: 0, cents: 0 };
  for (;;) {
    const step = await withOptimisticRetry(
      deps.retry,
      `the account of ${customerId} kept changing during expiry`,
      async () => {
        const before = await deps.store.getAccount(customerId);
        if (!before) return undefined;
        const stamp = { now: deps.clock.now().toISOString(), newId: deps.newId };
        const write = ledger.expireDue(before, stamp, LOTS_EXPIRED_PER_WRITE);
        if (write === undefined) {
          // Nothing due: the index ran early; its entry moves to the account's next due time.
          await deps.store.writeAccount(ledger.reindex(before, stamp));
          return undefined;
        }
        await deps.store.writeAccount(write);
        return write;
      },
    );
    if (step === undefined) return done;
    done.lots += step.entries.length;
    done.cents -= step.entries.reduce((sum, entry) => sum + entry.amountCents, 0);
  }
}

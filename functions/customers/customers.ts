import type { Clock } from '#shared/clock.ts';
import { NotFoundError, UpstreamError } from '#shared/errors.ts';
import type { CachedExternalReads } from '#shared/external/cached-external-reads.ts';
import type { ExternalCustomer } from '#shared/external/external-api.schemas.ts';
import type { Page, PageRequest } from '#shared/pagination.ts';
import { type AccountReader, type CreditAccount, creditView, emptyAccount } from '../ledger/account.ts';
import type { CustomerView } from './customer.schemas.ts';
import { refreshSearchSnapshot, type SearchSnapshots, type SnapshotLogger } from './customer-search.ts';

/** The customers this service holds a credit account for (every buyer has one), by customer id. */
export interface KnownCustomers {
  /** @throws ValidationError for a cursor this list did not give out */
  listAccounts(page: PageRequest): Promise<Page<CreditAccount>>;
}

export interface CustomerDeps {
  details: Pick<CachedExternalReads, 'cachedCustomer'>;
  accounts: AccountReader;
  known: KnownCustomers;
  /** Every customer these routes read is recorded for the search (customer-search.ts). */
  snapshots: SearchSnapshots;
  clock: Clock;
  logger: SnapshotLogger;
}

/**
 * External reads a list page makes at once: few enough to be polite to the other team's API, enough
 * that a page of 100 misses takes at most 4 rounds of its 3 s timeout, inside the route's 15 s.
 */
const DETAIL_READS_AT_ONCE = 25;

/**
 * One customer: the external details (through the read cache) and the credit, read now. A customer
 * the external API knows but who has no account yet has zero credit, as GET credit says.
 * @throws NotFoundError CUSTOMER_NOT_FOUND, UpstreamError, UpstreamTimeoutError
 */
export async function getCustomerView(deps: CustomerDeps, customerId: string): Promise<CustomerView> {
  const [customer, account] = await Promise.all([
    deps.details.cachedCustomer(customerId),
    deps.accounts.getAccount(customerId),
  ]);
  await refreshSearchSnapshot(deps, customer, deps.clock.now().toISOString());
  return customerView(customer, account ?? emptyAccount(customerId), deps.clock.now().toISOString());
}

/**
 * A page of the customers this service knows, by id, each with its external details. The page is
 * whole or it fails: a customer whose details cannot be read makes it a 502 (or 504), never a page
 * with holes that the admin app would show as if complete. A known customer that the external API
 * no longer knows is that API's inconsistency: 502, naming the customer.
 * @throws UpstreamError, UpstreamTimeoutError, ValidationError (cursor)
 */
export async function listCustomers(deps: CustomerDeps, page: PageRequest): Promise<Page<CustomerView>> {
  const accounts = await deps.known.listAccounts(page);
  const now = deps.clock.now().toISOString();
  const items = await mapAtMost(DETAIL_READS_AT_ONCE, accounts.items, async (account) => {
    try {
      const customer = await deps.details.cachedCustomer(account.customerId);
      await refreshSearchSnapshot(deps, customer, deps.clock.now().toISOString());
      return customerView(customer, account, now);
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new UpstreamError(
          'GetCustomer',
          `does not know customer ${account.customerId}, who has credit here`,
          {
            cause: error,
          },
        );
      }
      throw error;
    }
  });
  return { items, nextCursor: accounts.nextCursor };
}

function customerView(customer: ExternalCustomer, account: CreditAccount, now: string): CustomerView {
  return {
    id: customer.id,
    name: customer.name,
    email: customer.email,
    billingAddress: customer.billingAddress,
    shippingAddress: customer.shippingAddress,
    // The client's schema keeps epoch milliseconds within the years a Date can write.
    lastModifiedAt: new Date(customer.lastModifiedAt).toISOString(),
    credit: creditView(account, now),
  };
}

/**
 * `Promise.all` over `items` with at most `limit` calls running; results keep the items' order. After
 * a failure no further call starts (the answer is that failure anyway).
 */
async function mapAtMost<T, R>(
  limit: number,
  items: readonly T[],
  call: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failed) {
      const index = next++;
      try {
        results[index] = await call(items[index] as T);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

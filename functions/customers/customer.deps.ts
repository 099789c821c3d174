import { systemClock } from '#shared/clock.ts';
import { logger } from '#shared/logger.ts';
import { type Runtime, requireCachedExternalReads } from '#shared/runtime.ts';
import { accountReader } from '../ledger/ledger.deps.ts';
import { DynamoKnownCustomers } from './customer.repository.ts';
import { DynamoCustomerPointers, DynamoSearchSnapshots } from './customer-search.repository.ts';
import type { CustomerSearchDeps } from './customer-search.ts';
import type { CustomerDeps } from './customers.ts';

export function customerDeps(runtime: Runtime): CustomerDeps {
  return {
    // The cached reads: these routes show customers, they never decide a charge or a shipment.
    details: requireCachedExternalReads(runtime),
    accounts: accountReader(runtime),
    known: new DynamoKnownCustomers(runtime.documentClient, runtime.config.MAIN_TABLE_NAME),
    snapshots: new DynamoSearchSnapshots(runtime.documentClient, runtime.config.MAIN_TABLE_NAME),
    clock: systemClock,
    logger,
  };
}

export function customerSearchDeps(runtime: Runtime): CustomerSearchDeps {
  return {
    snapshots: new DynamoSearchSnapshots(runtime.documentClient, runtime.config.MAIN_TABLE_NAME),
    pointers: new DynamoCustomerPointers(runtime.documentClient, runtime.config.MAIN_TABLE_NAME),
  };
}

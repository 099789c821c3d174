import { systemClock } from '#shared/clock.ts';
import { newId } from '#shared/ids.ts';
import type { Runtime } from '#shared/runtime.ts';
import { accountReader, accountRetry } from '../ledger/ledger.deps.ts';
import { DynamoRefundRepository } from './refund.repository.ts';
import type { RefundDeps } from './refund.ts';

export function refundRepository(runtime: Runtime): DynamoRefundRepository {
  return new DynamoRefundRepository(runtime.documentClient, runtime.config.MAIN_TABLE_NAME);
}

/** What refunds work with: they contend on the account as every balance change does. */
export function refundDeps(runtime: Runtime): RefundDeps {
  return {
    refunds: refundRepository(runtime),
    accounts: accountReader(runtime),
    clock: systemClock,
    newId,
    retry: accountRetry(),
  };
}

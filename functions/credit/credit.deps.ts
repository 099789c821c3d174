import { systemClock } from '#shared/clock.ts';
import { newId } from '#shared/ids.ts';
import { type Runtime, requireExternalApi } from '#shared/runtime.ts';
import { accountRetry } from '../ledger/ledger.deps.ts';
import { DynamoCreditRepository } from './credit.repository.ts';
import type { CreditDeps } from './credit.ts';

export function creditDeps(runtime: Runtime): CreditDeps {
  return {
    repository: new DynamoCreditRepository(runtime.documentClient, runtime.config.MAIN_TABLE_NAME),
    customers: requireExternalApi(runtime),
    clock: systemClock,
    newId,
    retry: accountRetry(),
  };
}

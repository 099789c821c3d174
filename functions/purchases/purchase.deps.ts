import { systemClock } from '#shared/clock.ts';
import { newId } from '#shared/ids.ts';
import { logger } from '#shared/logger.ts';
import type { Runtime } from '#shared/runtime.ts';
import { CREDIT_RETRY } from '../credit/credit.deps.ts';
import { DynamoCreditRepository } from '../credit/credit.repository.ts';
import { jitteredBackoff } from '../credit/credit.ts';
import { DynamoPurchaseRepository } from './purchase.repository.ts';
import type { SagaStepDeps } from './reservation.ts';

export function purchaseRepository(runtime: Runtime): DynamoPurchaseRepository {
  return new DynamoPurchaseRepository(runtime.documentClient, runtime.config.MAIN_TABLE_NAME);
}

/** What the saga steps and the sweeper work with; built once per cold start. */
export function sagaStepDeps(runtime: Runtime): SagaStepDeps {
  return {
    purchases: purchaseRepository(runtime),
    accounts: new DynamoCreditRepository(runtime.documentClient, runtime.config.MAIN_TABLE_NAME),
    shipments: runtime.externalApi,
    clock: systemClock,
    newId,
    // Commit and Reserve contend on the account with grants, deductions and each other.
    retry: jitteredBackoff(CREDIT_RETRY),
    logger,
  };
}

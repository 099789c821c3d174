import { systemClock } from '#shared/clock.ts';
import { newId } from '#shared/ids.ts';
import { logger } from '#shared/logger.ts';
import type { Runtime } from '#shared/runtime.ts';
import { CREDIT_RETRY } from '../credit/credit.deps.ts';
import { DynamoCreditRepository } from '../credit/credit.repository.ts';
import { jitteredBackoff } from '../credit/credit.ts';
import { DynamoPurchaseRepository } from './purchase.repository.ts';
import { DynamoRefundRepository } from './refund.repository.ts';
import type { RefundDeps } from './refund.ts';
import type { SagaStepDeps } from './reservation.ts';

export function purchaseRepository(runtime: Runtime): DynamoPurchaseRepository {
  return new DynamoPurchaseRepository(runtime.documentClient, runtime.config.MAIN_TABLE_NAME);
}

export function refundRepository(runtime: Runtime): DynamoRefundRepository {
  return new DynamoRefundRepository(runtime.documentClient, runtime.config.MAIN_TABLE_NAME);
}

const accountRepository = (runtime: Runtime): DynamoCreditRepository =>
  new DynamoCreditRepository(runtime.documentClient, runtime.config.MAIN_TABLE_NAME);

/** What the saga steps and the sweeper work with; built once per cold start. */
export function sagaStepDeps(runtime: Runtime): SagaStepDeps {
  return {
    purchases: purchaseRepository(runtime),
    accounts: accountRepository(runtime),
    shipments: runtime.externalApi,
    clock: systemClock,
    newId,
    // Commit and Reserve contend on the account with grants, deductions and each other.
    retry: jitteredBackoff(CREDIT_RETRY),
    logger,
  };
}

/** What refunds work with: they contend on the account as every balance change does. */
export function refundDeps(runtime: Runtime): RefundDeps {
  return {
    refunds: refundRepository(runtime),
    accounts: accountRepository(runtime),
    clock: systemClock,
    newId,
    retry: jitteredBackoff(CREDIT_RETRY),
  };
}

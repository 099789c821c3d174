import { systemClock } from '#shared/clock.ts';
import { newId } from '#shared/ids.ts';
import type { Runtime } from '#shared/runtime.ts';
import { DynamoCreditRepository } from './credit.repository.ts';
import { type CreditDeps, jitteredBackoff } from './credit.ts';

/**
 * Retry budget for writers that collide on one account: enough that a burst of concurrent changes
 * to one customer all get decided (bench/credit.bench.ts measures it), short enough to answer fast.
 */
export const CREDIT_RETRY = { maxAttempts: 40, baseMs: 5, capMs: 100 } as const;

export function creditDeps(runtime: Runtime): CreditDeps {
  return {
    repository: new DynamoCreditRepository(runtime.documentClient, runtime.config.MAIN_TABLE_NAME),
    customers: runtime.externalApi,
    clock: systemClock,
    newId,
    retry: jitteredBackoff(CREDIT_RETRY),
  };
}

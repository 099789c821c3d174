import { jitteredBackoff, type RetryPolicy } from '#shared/retry.ts';
import type { Runtime } from '#shared/runtime.ts';
import { DynamoAccountReader } from './ledger-writes.ts';

/**
 * Retry budget for writers that collide on one account (grants, deductions, holds, commits,
 * refunds): enough that a burst of concurrent changes to one customer all get decided
 * (bench/credit.bench.ts measures it), short enough to answer fast.
 */
export const ACCOUNT_RETRY = { maxAttempts: 40, baseMs: 5, capMs: 100 } as const;

export const accountRetry = (): RetryPolicy => jitteredBackoff(ACCOUNT_RETRY);

export const accountReader = (runtime: Runtime): DynamoAccountReader =>
  new DynamoAccountReader(runtime.documentClient, runtime.config.MAIN_TABLE_NAME);

import type { Context } from 'aws-lambda';
import { systemClock } from '#shared/clock.ts';
import { newId } from '#shared/ids.ts';
import { logger } from '#shared/logger.ts';
import { getRuntime } from '#shared/runtime.ts';
import { type ExpiryResult, expireDueLots } from './expire-lots.ts';
import { accountRetry } from './ledger.deps.ts';
import { DynamoLotExpiryStore } from './lot-expiry.repository.ts';

const runtime = getRuntime();
const deps = {
  store: new DynamoLotExpiryStore(runtime.documentClient, runtime.config.MAIN_TABLE_NAME),
  clock: systemClock,
  newId,
  retry: accountRetry(),
  logger,
};

/** Accounts read per page; the run pages on until it is done or near its timeout. */
const PAGE_SIZE = 100;
/** Left of the function's time when the run stops taking pages (the last page must still finish). */
const SAFETY_MARGIN_MS = 15_000;

/** Runs on a schedule (EventBridge in AWS, a timer locally): expires what remains of due lots. */
export async function handler(_event: unknown, context: Context): Promise<ExpiryResult> {
  logger.resetKeys();
  const result = await expireDueLots(deps, {
    pageSize: PAGE_SIZE,
    deadline: new Date(Date.now() + context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS),
  });
  if (result.lotsExpired > 0 || !result.complete) logger.info('lots expired', { ...result });
  return result;
}

import type { Context } from 'aws-lambda';
import { logger } from '#shared/logger.ts';
import { publishReservationsAwaitingReview } from '#shared/metrics/metrics.ts';
import { getRuntime } from '#shared/runtime.ts';
import { sagaStepDeps } from './saga.deps.ts';
import { type SweepResult, sweepReservations } from './sweep-reservations.ts';

const runtime = getRuntime();
const deps = sagaStepDeps(runtime);

/** Reservations read per query; the run pages on until it is done or near its timeout. */
const PAGE_SIZE = 100;
/** Left of the function's time when the run stops taking pages (the last page must still finish). */
const SAFETY_MARGIN_MS = 15_000;

/** Runs on a schedule (EventBridge in AWS, a timer locally): finishes holds whose saga died. */
export async function handler(_event: unknown, context: Context): Promise<SweepResult> {
  logger.resetKeys();
  const result = await sweepReservations(deps, {
    maxAgeMs: runtime.config.RESERVATION_MAX_AGE_SECONDS * 1000,
    pageSize: PAGE_SIZE,
    deadline: new Date(Date.now() + context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS),
  });
  if (result.released.length + result.committed.length + result.needsReview.length > 0 || !result.complete) {
    logger.info('reservations swept', { ...result });
  }
  publishReservationsAwaitingReview(result.needsReview.length);
  return result;
}

import { logger } from '#shared/logger.ts';
import { getRuntime } from '#shared/runtime.ts';
import { sagaStepDeps } from './purchase.deps.ts';
import { type SweepResult, sweepReservations } from './reservation.ts';

const runtime = getRuntime();
const deps = sagaStepDeps(runtime);

/** Reservations finished per run; the next run (a minute later) takes the rest. */
const BATCH = 100;

/** Runs on a schedule (EventBridge in AWS, a timer locally): finishes holds whose saga died. */
export async function handler(): Promise<SweepResult> {
  logger.resetKeys();
  const result = await sweepReservations(deps, {
    maxAgeMs: runtime.config.RESERVATION_MAX_AGE_SECONDS * 1000,
    limit: BATCH,
  });
  if (result.released.length + result.committed.length + result.needsReview.length > 0) {
    logger.info('reservations swept', { ...result });
  }
  return result;
}

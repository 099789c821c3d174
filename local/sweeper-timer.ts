import type { Context } from 'aws-lambda';
import { RESERVATION_SWEEPER } from '../functions/workers.ts';
import { lambdaContext } from './lambda-context.ts';

/**
 * Runs the reservation sweeper's handler (the module CDK schedules with EventBridge) every
 * `intervalMs`, with the timeout its declaration gives it; a run never overlaps the previous one.
 * Returns the function that stops it.
 */
export function startSweeperTimer(
  handler: (event: unknown, context: Context) => Promise<unknown>,
  intervalMs: number,
): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running
      .then(() =>
        handler({}, lambdaContext(RESERVATION_SWEEPER.id, RESERVATION_SWEEPER.timeoutSeconds * 1000)),
      )
      .catch(() => undefined);
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

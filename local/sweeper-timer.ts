import type { Context } from 'aws-lambda';
import { RESERVATION_SWEEPER } from '../functions/workers.ts';
import { invokeWithTimeout } from './lambda-context.ts';

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
        invokeWithTimeout(RESERVATION_SWEEPER.id, RESERVATION_SWEEPER.timeoutSeconds, (context) =>
          handler({}, context),
        ),
      )
      .catch(() => undefined);
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

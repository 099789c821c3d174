import type { Context } from 'aws-lambda';
import type { WorkerDeclaration } from '../functions/workers.ts';
import { invokeWithTimeout } from './lambda-context.ts';

/**
 * Runs a scheduled worker's handler (the module CDK schedules with EventBridge: the reservation
 * sweeper, the lot expiry) every `intervalMs`, with the timeout its declaration gives it; a run never
 * overlaps the previous one. Returns the function that stops it.
 */
export function startScheduleTimer(
  worker: Pick<WorkerDeclaration, 'id' | 'timeoutSeconds'>,
  handler: (event: unknown, context: Context) => Promise<unknown>,
  intervalMs: number,
): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running
      .then(() => invokeWithTimeout(worker.id, worker.timeoutSeconds, (context) => handler({}, context)))
      .catch(() => undefined);
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

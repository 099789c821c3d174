import { pathToFileURL } from 'node:url';
import { RESERVATION_SWEEPER } from '../functions/workers.ts';

/**
 * Runs the reservation sweeper's handler (the module CDK schedules with EventBridge) every
 * `intervalMs`; a run never overlaps the previous one. Returns the function that stops it.
 */
export async function startSweeperTimer(rootDir: string, intervalMs: number): Promise<() => Promise<void>> {
  const module = (await import(pathToFileURL(`${rootDir}/${RESERVATION_SWEEPER.entry}`).href)) as {
    handler: () => Promise<unknown>;
  };
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => module.handler()).catch(() => undefined);
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

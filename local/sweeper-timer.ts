/**
 * Runs the reservation sweeper's handler (the module CDK schedules with EventBridge) every
 * `intervalMs`; a run never overlaps the previous one. Returns the function that stops it.
 */
export function startSweeperTimer(handler: () => Promise<unknown>, intervalMs: number): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => handler()).catch(() => undefined);
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

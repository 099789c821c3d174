/** Stops the local stack the global setup started; its children (Java, the mock) go with it. */
export default async function globalTeardown(): Promise<void> {
  const child = globalThis.__localStack;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
  globalThis.__localStack = undefined;
}

import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, Socket } from 'node:net';

/** A port that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Resolves once something accepts TCP connections on the port, or rejects after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null)
      throw new Error(`process exited with code ${child.exitCode} before listening`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => resolve(true)).once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
    }).catch(() => false);
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listened on port ${port} within ${timeoutMs} ms`);
}

/**
 * Spawns a program that dies with its parent, however the parent ends (even SIGKILL): a shell runs
 * it and watches its own stdin, a pipe from us; when the pipe closes the shell kills the program.
 * Node cannot ask Linux for PR_SET_PDEATHSIG, and this needs nothing but /bin/sh.
 */
export function spawnTiedToParent(
  command: string,
  args: readonly string[],
  options: { cwd?: string } = {},
): ChildProcess {
  const quoted = [command, ...args].map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(' ');
  // A background job's stdin is /dev/null in a non-interactive shell (POSIX), so the watcher reads
  // our pipe through fd 3.
  const script = `exec 3<&0
${quoted} <&- & child=$!
trap 'kill $child 2>/dev/null; wait $child; exit 143' TERM INT HUP
( cat <&3 >/dev/null; kill $child 2>/dev/null ) &
exec 3<&-
wait $child`;
  return spawn('/bin/sh', ['-c', script], { stdio: ['pipe', 'pipe', 'pipe'], ...options });
}

/** Asks a child to stop, and kills it if it has not within `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin?.end();
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { StackWhereabouts } from './stack.ts';

export type { StackWhereabouts };

export interface StackProcess {
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves once its output matches `pattern`; rejects if it exits first or after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** Resolves with the whereabouts once the ready file exists; rejects if it exits first. */
  waitForReady(timeoutMs: number): Promise<StackWhereabouts>;
  /** `kill -9` of its whole process group (Node, the mock, the sh watcher, Java); resolves once all are gone. */
  killGroup(): Promise<void>;
}

/**
 * Starts `local/start.ts` as `npm start` does, in a process group of its own so that a test can
 * kill the whole stack at once. EXIT_WITH_PARENT: if Jest dies, the closed stdin stops it anyway.
 */
export function startStackProcess(env: Record<string, string>): StackProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    env: {
      ...process.env,
      EXIT_WITH_PARENT: '1',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      // An issuer of its own, never `npm start`'s port or keys.
      OIDC_PORT: '0',
      OIDC_KEYS_FILE: join(mkdtempSync(join(tmpdir(), 'purchase-oidc-')), 'keys.json'),
      // Only the browser tests want the admin app (on a port of their own: ADMIN_APP_URL).
      SERVE_ADMIN_APP: '0',
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const readyFile = env.LOCAL_STACK_READY_FILE;

  const waitFor = async (
    done: () => boolean,
    what: string,
    timeoutMs: number,
    whileRunning = true,
  ): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (whileRunning && (child.exitCode !== null || child.signalCode !== null))
        throw new Error(
          `the stack exited (${child.exitCode ?? child.signalCode}) before ${what}:\n${output}`,
        );
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  return {
    child,
    output: () => output,
    waitForOutput: (pattern, timeoutMs) =>
      waitFor(() => pattern.test(output), `output ${pattern}`, timeoutMs),
    async waitForReady(timeoutMs) {
      if (!readyFile) throw new Error('LOCAL_STACK_READY_FILE is not set');
      await waitFor(() => existsSync(readyFile), 'ready file', timeoutMs);
      return JSON.parse(readFileSync(readyFile, 'utf8')) as StackWhereabouts;
    },
    async killGroup() {
      const group = child.pid;
      if (group === undefined) return;
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-group, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      await exited;
      await waitFor(() => liveMembers(group) === 0, 'end of the process group', 20_000, false);
    },
  };
}

/** Processes of the group that are still running (zombies waiting for a reaper do not count). */
function liveMembers(group: number): number {
  const table = execFileSync('ps', ['-eo', 'pgid=,stat='], { encoding: 'utf8' });
  return table
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([pgid, stat]) => Number(pgid) === group && stat !== undefined && !stat.startsWith('Z')).length;
}

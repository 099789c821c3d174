import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type StackWhereabouts,
  stackEnvironment,
  TEST_STACK_EXPIRY_INTERVAL_SECONDS,
  TEST_STACK_SWEEPER,
} from './stack.ts';

/**
 * Starts the local stack exactly as `npm start` does (in memory, on free ports, without demo data)
 * and tells the tests where it is through the environment. Shared by the integration and e2e
 * projects: the second call finds it running.
 */
declare global {
  var __localStack: ChildProcess | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (globalThis.__localStack) return;
  const dir = mkdtempSync(join(tmpdir(), 'purchase-stack-'));
  const readyFile = join(dir, 'ready.json');
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      MOCK_API_PORT: '0',
      DYNAMODB_PORT: '0',
      DYNAMODB_IN_MEMORY: '1',
      SEED_DEMO_DATA: '0',
      // The API's tests: no admin app to build or serve (its CORS origin stays ADMIN_APP_URL's).
      SERVE_ADMIN_APP: '0',
      OIDC_PORT: '0',
      OIDC_KEYS_FILE: join(dir, 'oidc-keys.json'),
      // Far above what any test sends, so that only the throttle's own test meets it.
      THROTTLE_RATE_PER_SECOND: '10000',
      THROTTLE_BURST: '20000',
      RESERVATION_MAX_AGE_SECONDS: String(TEST_STACK_SWEEPER.maxAgeSeconds),
      SWEEP_INTERVAL_SECONDS: String(TEST_STACK_SWEEPER.intervalSeconds),
      EXPIRY_INTERVAL_SECONDS: String(TEST_STACK_EXPIRY_INTERVAL_SECONDS),
      LOCAL_STACK_READY_FILE: readyFile,
      EXIT_WITH_PARENT: '1',
      // The tests provoke upstream failures on purpose; only errors are worth printing.
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'ERROR',
    },
    // A pipe for stdin: if Jest dies without its teardown, the pipe closes and the stack stops itself.
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  globalThis.__localStack = child;

  const deadline = Date.now() + 60_000;
  while (!existsSync(readyFile)) {
    if (child.exitCode !== null) throw new Error(`local stack exited with code ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('local stack did not start within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const where = JSON.parse(readFileSync(readyFile, 'utf8')) as StackWhereabouts;
  Object.assign(process.env, stackEnvironment(where));
}

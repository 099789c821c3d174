import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type StackProcess, type StackWhereabouts, startStackProcess } from '../../support/stack-process.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** `npm run smoke -- ARGS` as a user runs it, against this test's stack (its whereabouts file). */
function smoke(args: string[], whereaboutsFile: string): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/smoke.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, LOCAL_STACK_FILE: whereaboutsFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (status) => resolve({ status, output }));
  });
}

describe('npm run smoke against a stack of its own (npm start)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'purchase-smoke-'));
  const readyFile = join(dir, 'ready.json');
  let stack: StackProcess;
  let where: StackWhereabouts;

  beforeAll(async () => {
    stack = startStackProcess({
      PORT: '0',
      MOCK_API_PORT: '0',
      DYNAMODB_PORT: '0',
      SEED_DEMO_DATA: '0',
      LOCAL_STACK_READY_FILE: readyFile,
    });
    where = await stack.waitForReady(90_000);
  }, 120_000);

  afterAll(async () => {
    await stack?.killGroup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every step, the failed shipment and the reconciliation included, and exits 0', async () => {
    const { status, output } = await smoke(['--url', where.apiUrl], readyFile);

    expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('smoke: passed') });
    for (const step of [
      'health',
      'grant',
      'purchase',
      'failed shipment',
      'refund',
      'audit trail',
      'reconcile',
    ]) {
      expect(output).toContain(`✓ ${step} (`);
    }
  }, 120_000);

  it('exits 1 and names the step when a step fails', async () => {
    // A product the mock does not have: the product step fails (404), and nothing after it runs.
    const { status, output } = await smoke(
      ['--url', where.apiUrl, '--product', 'no-such-product'],
      readyFile,
    );

    expect(status).toBe(1);
    expect(output).toContain('✗ product: GET product: expected 200, got 404');
    expect(output).not.toContain('✓ grant');
  }, 60_000);

  it('refuses to run against another deployment without a token', async () => {
    const { status, output } = await smoke(['--url', 'http://127.0.0.1:9'], readyFile);

    expect(status).toBe(1);
    expect(output).toContain('--token is required');
  }, 60_000);
});

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from '@jest/globals';
import { api, createCustomer } from '../support/api-client.ts';
import { claimsOf } from '../support/oidc-flows.ts';
import { stackUrls } from '../support/stack.ts';

/**
 * `npm run token` (scripts/token.ts): one line on stdout, a token the service accepts, from the
 * running stack's issuer, or without one from an issuer of its own that signs as the stack's would.
 */

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'token-script-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The environment of a script run: the test's, with npm start's variables only as given. */
function environment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { OIDC_PORT: _port, OIDC_KEYS_FILE: _keys, LOCAL_STACK_FILE: _stack, ...rest } = process.env;
  return { ...rest, ...extra };
}

async function token(args: string[], extra: Record<string, string>): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/token.ts', ...args], {
    env: environment(extra),
  });
  return stdout;
}

/** What the test stack makes of a token: a read (a viewer's right) and a grant (not a viewer's). */
async function readAndGrant(jwt: string): Promise<{ read: number; grant: number }> {
  const customerId = await createCustomer();
  const headers = { authorization: `Bearer ${jwt}` };
  const read = await api('GET', `/v1/customers/${customerId}/credit`, { headers });
  const grant = await api('POST', `/v1/customers/${customerId}/credit/grants`, {
    body: { amountCents: 100, reason: 'token script test' },
    headers,
  });
  return { read: read.status, grant: grant.status };
}

/** The running stack's whereabouts, as `npm start` writes them (the part the script reads). */
function whereaboutsFile(): string {
  const file = join(dir, 'stack.json');
  writeFileSync(file, JSON.stringify({ oidc: { tokenEndpoint: stackUrls().oidc.tokenEndpoint } }));
  return file;
}

describe('npm run token', () => {
  it('prints exactly one line, a token from the running stack’s issuer that the service accepts for a viewer’s read and refuses for a grant', async () => {
    const stdout = await token(['--role', 'viewer', '--sub', 'x'], { LOCAL_STACK_FILE: whereaboutsFile() });

    expect(stdout).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/);
    const jwt = stdout.trim();
    expect(claimsOf(jwt)).toMatchObject({
      iss: stackUrls().oidc.issuer,
      sub: 'x',
      scope: 'purchase-api/viewer',
    });
    expect(await readAndGrant(jwt)).toEqual({ read: 200, grant: 403 });
  });

  it('signs with the stack’s keys and issuer identifier when no stack runs, a token that stack accepts too', async () => {
    const { issuer, keysFile } = stackUrls().oidc;

    const stdout = await token(['--role', 'viewer', '--sub', 'x'], {
      LOCAL_STACK_FILE: join(dir, 'no-stack-here.json'),
      OIDC_KEYS_FILE: keysFile,
      OIDC_PORT: new URL(issuer).port,
    });

    expect(stdout.split('\n')).toHaveLength(2);
    const jwt = stdout.trim();
    expect(claimsOf(jwt)).toMatchObject({ iss: issuer, sub: 'x', scope: 'purchase-api/viewer' });
    expect(await readAndGrant(jwt)).toEqual({ read: 200, grant: 403 });
  });

  it('prints exactly one line through `npm run --silent token -- --role admin` (npm prints a banner without --silent)', async () => {
    const { stdout } = await run('npm', ['run', '--silent', 'token', '--', '--role', 'admin'], {
      env: environment({ LOCAL_STACK_FILE: whereaboutsFile() }),
    });

    expect(stdout).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/);
    expect(claimsOf(stdout.trim())).toMatchObject({ sub: 'demo-admin', scope: 'purchase-api/admin' });
  });
});

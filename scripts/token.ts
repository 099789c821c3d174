import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../functions/auth/roles.ts';
import { DEFAULT_OIDC_KEYS_FILE, DEFAULT_OIDC_PORT, issueLocalToken } from '../local/oidc-clients.ts';
import { LOCAL_STACK_FILE, ROOT_DIR } from '../local/paths.ts';

/**
 * `npm run --silent token -- --role ROLE [--sub NAME]`: one access token on stdout, nothing else
 * (npm itself prints a banner unless `--silent`). The token is for NAME (default `demo-ROLE`) with
 * ROLE, from the local OpenID Connect issuer:
 *   - the issuer of the running `npm start` (its whereabouts are in .local/stack.json), or
 *   - with no stack running, an issuer started here for the moment, with the same identifier and the
 *     same signing keys (OIDC_KEYS_FILE) as `npm start`'s, so the token is valid for the next start.
 */
const USAGE = `usage: npm run --silent token -- --role ${ROLES.join('|')} [--sub NAME]`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { role: { type: 'string' }, sub: { type: 'string' } } });
  const role = values.role;
  if (role === undefined || !ROLES.includes(role as Role)) throw new Error(USAGE);
  const subject = values.sub ?? `demo-${role}`;
  const running = runningIssuer();
  if (running) {
    try {
      process.stdout.write(`${await issueLocalToken(running, subject, role as Role)}\n`);
      return;
    } catch (error) {
      // A whereabouts file left by a stack that is gone: sign as it would have.
      if (!(error instanceof TypeError)) throw error;
    }
  }
  // Loaded only now: oidc-provider is not needed to ask a running issuer.
  const { startOidcIssuer } = await import('../local/oidc-issuer.ts');
  const port = Number(process.env.OIDC_PORT ?? DEFAULT_OIDC_PORT);
  const issuer = await startOidcIssuer({
    port: 0,
    issuer: `http://127.0.0.1:${port}`,
    keysFile: resolve(ROOT_DIR, process.env.OIDC_KEYS_FILE ?? DEFAULT_OIDC_KEYS_FILE),
    adminAppRedirectUris: [],
  });
  try {
    process.stdout.write(`${await issueLocalToken(issuer.tokenEndpoint, subject, role as Role)}\n`);
  } finally {
    await issuer.stop();
  }
}

/** The token endpoint of the stack `npm start` runs, if it left its whereabouts. */
function runningIssuer(): string | undefined {
  const file = process.env.LOCAL_STACK_FILE ?? LOCAL_STACK_FILE;
  if (!existsSync(file)) return undefined;
  const where = JSON.parse(readFileSync(file, 'utf8')) as { oidc?: { tokenEndpoint?: string } };
  return where.oidc?.tokenEndpoint;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});

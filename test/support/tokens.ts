import { readFileSync } from 'node:fs';
import { importJWK, type JWK, type JWTPayload, SignJWT } from 'jose';
import type { Role } from '../../functions/auth/roles.ts';
import { issueLocalToken } from '../../local/oidc-clients.ts';
import { stackUrls } from './stack.ts';

/** Who a test request is sent as. */
export interface Caller {
  role: Role;
  /** The token's subject, the actor the service records; `test-<role>` unless given. */
  sub?: string;
}

const cache = new Map<string, Promise<string>>();

/** An access token from the test stack's own issuer (cached per role and subject). */
export function tokenFor(caller: Caller): Promise<string> {
  const sub = caller.sub ?? `test-${caller.role}`;
  const key = `${caller.role}\n${sub}`;
  let token = cache.get(key);
  if (!token) {
    token = issueLocalToken(stackUrls().oidc.tokenEndpoint, sub, caller.role);
    token.catch(() => cache.delete(key));
    cache.set(key, token);
  }
  return token;
}

export const authorizationFor = async (caller: Caller): Promise<{ authorization: string }> => ({
  authorization: `Bearer ${await tokenFor(caller)}`,
});

/**
 * A token signed with the trusted issuer's own key but with claims the test chooses (expired, for
 * another audience, another issuer): what a real issuer could have signed, which the service must
 * still refuse. Defaults are those of a valid admin token.
 */
export async function signedByIssuer(claims: JWTPayload, header: { alg?: string } = {}): Promise<string> {
  const { keysFile, issuer } = stackUrls().oidc;
  const [jwk] = (JSON.parse(readFileSync(keysFile, 'utf8')) as { keys: JWK[] }).keys;
  if (!jwk) throw new Error('the issuer has no key');
  return sign(jwk, { iss: issuer, ...claims }, header);
}

/** A token signed with a key the issuer never had: a forgery with every claim right. */
export async function forged(claims: JWTPayload): Promise<string> {
  const { generateKeyPair, exportJWK } = await import('jose');
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const [issuerKey] = (JSON.parse(readFileSync(stackUrls().oidc.keysFile, 'utf8')) as { keys: JWK[] }).keys;
  // The issuer's key id, so the service looks up the real key and the signature fails against it.
  return sign(
    { ...(await exportJWK(privateKey)), kid: issuerKey?.kid ?? 'k' },
    { iss: stackUrls().oidc.issuer, ...claims },
  );
}

/** The claims of a valid admin token for five minutes, with `claims` laid over them. */
function adminClaims(claims: JWTPayload): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    aud: 'purchase-api',
    sub: 'test-admin',
    scope: 'purchase-api/admin',
    iat: now,
    exp: now + 300,
    ...claims,
  };
}

async function sign(jwk: JWK, claims: JWTPayload, header: { alg?: string } = {}): Promise<string> {
  const key = await importJWK(jwk, 'RS256');
  return new SignJWT(adminClaims(claims))
    .setProtectedHeader({ alg: header.alg ?? 'RS256', typ: 'at+jwt', ...(jwk.kid ? { kid: jwk.kid } : {}) })
    .sign(key);
}

/** An unsigned token (`alg: none`) with every claim of a valid admin token. */
export function unsigned(claims: JWTPayload = {}): string {
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const payload = adminClaims({ iss: stackUrls().oidc.issuer, ...claims });
  return `${encode({ alg: 'none', typ: 'at+jwt' })}.${encode(payload)}.`;
}

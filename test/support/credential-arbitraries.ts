import { createHmac, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { JWK, JWTPayload } from 'jose';
import { ROLES, type Role, roleScope } from '../../functions/auth/roles.ts';
import { headerText, hugeHeaderValue } from './input-arbitraries.ts';
import { clientCredentialsToken } from './oidc-flows.ts';
import { stackUrls } from './stack.ts';
import { forged, signedByIssuer, tokenFor, unsigned } from './tokens.ts';

/**
 * fast-check generators of what a request presents as its credentials: no token, valid tokens of
 * every role (the local token grant's, and the storefront's client-credentials one), tokens the
 * service must refuse (forged, `alg: none`, HS256 with the public key, tampered, expired, not yet
 * valid, for another audience or issuer, no subject), garbage, wrong schemes, huge values, and
 * tokens the trusted issuer signed over random claims. Tokens are made once, before the run.
 */

export interface ValidToken {
  role: Role;
  sub: string;
  token: string;
}

export interface FuzzTokens {
  valid: readonly ValidToken[];
  /** Tokens the service must answer 401, by what is wrong with them. */
  refused: readonly { why: string; token: string }[];
}

/** The `Authorization` header a request carries (none when undefined), and what the service must make of it. */
export type Credential =
  | { kind: 'valid'; role: Role; sub: string; authorization: string }
  | { kind: 'refused'; why: string; authorization?: string }
  /** Signed by the issuer over these claims when sent; any verdict, but a 2xx must be theirs. */
  | { kind: 'claims'; claims: GeneratedClaims };

/** Claims, with times relative to the moment of signing. */
export type GeneratedClaims = Record<string, unknown>;

const SUBJECTS = ['fuzz', 'fuzz with spaces ~!', `x${'y'.repeat(127)}`] as const;

/** Valid tokens of every role for a few subjects (printable, up to 128 characters), and the refused ones. */
export async function makeFuzzTokens(): Promise<FuzzTokens> {
  const callers = ROLES.flatMap((role) =>
    SUBJECTS.map((base) => ({ role, sub: base === 'fuzz' ? `fuzz-${role}` : base })),
  );
  const valid: ValidToken[] = await Promise.all(
    callers.map(async (caller) => ({ ...caller, token: await tokenFor(caller) })),
  );
  valid.push({ role: 'service', sub: 'storefront', token: await clientCredentialsToken() });

  const now = Math.floor(Date.now() / 1000);
  const viewer = valid.find((token) => token.role === 'viewer')?.token ?? '';
  const [viewerHeader = '', , viewerSignature = ''] = viewer.split('.');
  const adminPayload = Buffer.from(
    JSON.stringify({
      ...JSON.parse(Buffer.from(viewer.split('.')[1] ?? '', 'base64url').toString('utf8')),
      scope: roleScope('admin'),
    }),
  ).toString('base64url');
  const refused = [
    { why: 'forged admin', token: await forged({}) },
    { why: 'alg none', token: unsigned() },
    { why: 'alg none, no signature at all', token: unsigned({ sub: 'fuzz-none' }).slice(0, -1) },
    { why: 'HS256 with the public key as secret', token: hmacWithPublicKey() },
    { why: 'a viewer token made admin', token: `${viewerHeader}.${adminPayload}.${viewerSignature}` },
    { why: 'expired', token: await signedByIssuer({ iat: now - 7_200, exp: now - 3_600 }) },
    { why: 'not yet valid', token: await signedByIssuer({ nbf: now + 3_600 }) },
    { why: 'another audience', token: await signedByIssuer({ aud: 'another-api' }) },
    { why: 'another issuer', token: await signedByIssuer({ iss: 'http://127.0.0.1:1' }) },
    { why: 'no subject', token: await signedByIssuer({ sub: undefined } as unknown as JWTPayload) },
    { why: 'an ID token', token: await signedByIssuer({ token_use: 'id' }) },
  ];
  return { valid, refused };
}

/** The algorithm confusion attack: an HMAC "signature" keyed with the issuer's public key. */
function hmacWithPublicKey(): string {
  const [jwk] = (JSON.parse(readFileSync(stackUrls().oidc.keysFile, 'utf8')) as { keys: JWK[] }).keys;
  if (!jwk) throw new Error('the issuer has no key');
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
  const pem = createPublicKey({ key: publicJwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg: 'HS256', typ: 'at+jwt', kid: jwk.kid })}.${encode({
    iss: stackUrls().oidc.issuer,
    aud: 'purchase-api',
    sub: 'fuzz-hmac',
    scope: roleScope('admin'),
    iat: now,
    exp: now + 3_600,
  })}`;
  return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
}

const offByOne = (text: string, at: number): string =>
  `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;

const base64urlJson = (value: unknown): string =>
  Buffer.from(JSON.stringify(value) ?? 'null').toString('base64url');

const anyJson = fc.jsonValue({ maxDepth: 2 });

/** Three base64url segments of random JSON: gets past the `Bearer <JWT>` shape check. */
const jwtShaped = fc
  .tuple(
    fc.oneof(
      anyJson,
      fc.record(
        {
          alg: fc.oneof(fc.constantFrom('RS256', 'ES256', 'none', 'HS256', 'PS256', 'EdDSA'), anyJson),
          kid: anyJson,
          typ: anyJson,
          crit: anyJson,
          b64: anyJson,
          jku: fc.constant('http://127.0.0.1:1/jwks'),
        },
        { requiredKeys: ['alg'] },
      ),
    ),
    anyJson,
    fc.string({ maxLength: 40 }),
  )
  .map(([header, payload, signature]) =>
    [base64urlJson(header), base64urlJson(payload), Buffer.from(signature).toString('base64url')].join('.'),
  );

/** A time claim: relative to the moment of signing (`{ in: seconds }`), or not a time at all. */
const timeClaim = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -7_200, max: 7_200 }).map((seconds) => ({ in: seconds })) },
  { weight: 1, arbitrary: fc.oneof(anyJson, fc.constant(undefined), fc.constant(1e20)) },
);

const scopeClaim = fc.oneof(
  fc
    .subarray([...ROLES.map(roleScope), 'openid', 'purchase-api/root', 'other/admin'])
    .map((s) => s.join(' ')),
  fc.constantFrom('purchase-api/admin ', 'purchase-api/admin/x', 'PURCHASE-API/ADMIN', 'purchase-api//admin'),
  anyJson,
);

const claims: fc.Arbitrary<GeneratedClaims> = fc.record(
  {
    sub: fc.oneof(
      fc.constantFrom('fuzz-claims', ' leading space', '', 'tab\tinside', 'é', `z${'z'.repeat(128)}`),
      fc.string({ maxLength: 20 }),
      anyJson,
      fc.constant(undefined),
    ),
    scope: scopeClaim,
    'cognito:groups': fc.oneof(fc.subarray([...ROLES]), fc.array(fc.string({ maxLength: 8 })), anyJson),
    aud: fc.oneof(
      fc.constantFrom('purchase-api', 'another-api', ['another-api', 'purchase-api'], [], ''),
      anyJson,
      fc.constant(undefined),
    ),
    client_id: fc.oneof(fc.constantFrom('purchase-api', 'storefront'), anyJson),
    exp: timeClaim,
    nbf: timeClaim,
    iat: timeClaim,
    token_use: fc.oneof(fc.constantFrom('access', 'id', 'refresh'), anyJson),
  },
  { requiredKeys: [] },
);

/** The claims as signed: relative times made absolute now. */
export function resolveClaims(generated: GeneratedClaims, now = Math.floor(Date.now() / 1000)): JWTPayload {
  return Object.fromEntries(
    Object.entries(generated).map(([name, value]) => [
      name,
      value !== null && typeof value === 'object' && 'in' in value && typeof value.in === 'number'
        ? now + value.in
        : value,
    ]),
  ) as JWTPayload;
}

/** The `Authorization` header of a `claims` credential, signed now by the trusted issuer. */
export async function authorizationOf(credential: Credential): Promise<string | undefined> {
  if (credential.kind !== 'claims') return credential.authorization;
  return `Bearer ${await signedByIssuer(resolveClaims(credential.claims))}`;
}

/** What a request presents, given the tokens made before the run. */
export function credential(tokens: FuzzTokens): fc.Arbitrary<Credential> {
  const valid = fc.constantFrom(...tokens.valid);
  const refused = (why: string, authorization?: string): Credential => ({
    kind: 'refused',
    why,
    ...(authorization === undefined ? {} : { authorization }),
  });
  return fc.oneof(
    {
      weight: 30,
      arbitrary: fc.tuple(valid, fc.constantFrom('Bearer', 'Bearer', 'Bearer', 'bearer', 'BEARER')).map(
        ([{ role, sub, token }, scheme]): Credential => ({
          kind: 'valid',
          role,
          sub,
          authorization: `${scheme} ${token}`,
        }),
      ),
    },
    { weight: 2, arbitrary: fc.constant(refused('no token')) },
    {
      weight: 5,
      arbitrary: fc.constantFrom(...tokens.refused).map(({ why, token }) => refused(why, `Bearer ${token}`)),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          valid,
          fc.constantFrom<[string, (token: string) => string]>(
            ['Basic scheme', (token) => `Basic ${token}`],
            ['Token scheme', (token) => `Token ${token}`],
            ['no scheme', (token) => token],
            ['Bearer: scheme', (token) => `Bearer: ${token}`],
            ['two spaces', (token) => `Bearer  ${token}`],
            ['a tab', (token) => `Bearer\t${token}`],
            ['two tokens', (token) => `Bearer ${token}, Bearer ${token}`],
            ['quoted', (token) => `Bearer "${token}"`],
            ['trailing word', (token) => `Bearer ${token} x`],
            ['a fourth segment', (token) => `Bearer ${token}.x`],
            // Inside the signature: its last character has bits a decoder may ignore.
            ['one character off', (token) => `Bearer ${offByOne(token, token.length - 20)}`],
            ['no signature', (token) => `Bearer ${token.slice(0, token.lastIndexOf('.') + 1)}`],
          ),
        )
        .map(([{ token }, [why, write]]) => refused(`valid token, ${why}`, write(token))),
    },
    {
      weight: 3,
      arbitrary: fc.oneof(
        headerText({ maxLength: 60 }).map((text) => refused('garbage', text)),
        headerText({ maxLength: 60 }).map((text) => refused('Bearer garbage', `Bearer ${text}`)),
        jwtShaped.map((token) => refused('JWT-shaped garbage', `Bearer ${token}`)),
        fc
          .constantFrom('', 'Bearer', 'Bearer ', 'Bearer ..', 'Bearer a.b.c', 'Basic Zm9vOmJhcg==')
          .map((text) => refused('empty or nearly', text)),
      ),
    },
    {
      weight: 1,
      arbitrary: hugeHeaderValue.map((value) =>
        refused('huge', `Bearer ${value.replace(/[^A-Za-z0-9]/g, 'A')}.e30.${'A'.repeat(10)}`),
      ),
    },
    { weight: 3, arbitrary: claims.map((generated): Credential => ({ kind: 'claims', claims: generated })) },
  );
}

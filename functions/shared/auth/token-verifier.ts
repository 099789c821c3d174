import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import { type Role, rolesOf } from '../../auth/roles.ts';
import { ServiceUnavailableError, UnauthenticatedError } from '../errors.ts';

/** Who sent a request, as its verified token says. */
export interface Caller {
  /** The token's `sub`: the actor recorded on every change the request makes. */
  subject: string;
  roles: Role[];
}

export interface TokenVerifier {
  /** @throws UnauthenticatedError for a token that is malformed, expired, forged or for another audience */
  verify(token: string): Promise<Caller>;
}

export interface TrustedIssuer {
  issuer: string;
  /** A token must be for one of these: its `aud`, or its `client_id` (Cognito access tokens carry no `aud`). */
  audiences: readonly string[];
  jwksUrl: string;
}

/**
 * Asymmetric signatures only: `none` and every HMAC algorithm are refused before any key is looked
 * at, so a token "signed" with the issuer's public key as an HMAC secret gets nowhere. Cognito signs
 * with RS256; the local issuer too.
 */
export const ALLOWED_ALGORITHMS = ['RS256', 'ES256'];
/** Tolerated clock skew between the issuer and this function, for `exp`, `nbf` and `iat`. */
const CLOCK_TOLERANCE_SECONDS = 5;
/** Subjects are ids (Cognito's are UUIDs); anything else in `sub` is not a caller we can record. */
const SUBJECT = /^[\x21-\x7e][\x20-\x7e]{0,127}$/;

/**
 * Verifies access tokens with `jose` against the issuer's JWKS, which it fetches on first use and
 * caches; a token signed with a key it does not know makes it fetch the set again (at most every
 * 30 s), so the issuer can rotate keys without a deploy.
 */
export function jwtVerifier(trusted: TrustedIssuer): TokenVerifier {
  // Made on first use: making it loads Node's fetch (undici), which no cold start needs before a token.
  let keys: ReturnType<typeof createRemoteJWKSet> | undefined;
  return {
    async verify(token) {
      keys ??= createRemoteJWKSet(new URL(trusted.jwksUrl), { timeoutDuration: 3_000 });
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keys, {
          issuer: trusted.issuer,
          algorithms: ALLOWED_ALGORITHMS,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          requiredClaims: ['sub', 'exp'],
        }));
      } catch (error) {
        // Our failure to fetch the keys says nothing about the token: answer early, as for any
        // dependency that is down, and let the caller retry.
        if (isKeyFetchFailure(error))
          throw new ServiceUnavailableError(KEYS_RETRY_AFTER_SECONDS, { cause: error });
        throw new UnauthenticatedError(reasonFor(error), { cause: error });
      }
      if (!isForAudience(payload, trusted.audiences))
        throw new UnauthenticatedError('the token is for another audience');
      // Cognito's ID tokens carry the app client as `aud`: only access tokens are accepted.
      if (payload.token_use !== undefined && payload.token_use !== 'access')
        throw new UnauthenticatedError('not an access token');
      if (typeof payload.sub !== 'string' || !SUBJECT.test(payload.sub))
        throw new UnauthenticatedError('the token names no usable subject');
      return { subject: payload.sub, roles: rolesOf(payload) };
    },
  };
}

function isForAudience(payload: JWTPayload, audiences: readonly string[]): boolean {
  const aud = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  const clientId = typeof payload.client_id === 'string' ? [payload.client_id] : [];
  return [...aud, ...clientId].some((value) => audiences.includes(value));
}

const KEYS_RETRY_AFTER_SECONDS = 5;

/** jose wraps every problem with a token in a JOSEError; a failed fetch of the JWKS is something else. */
const isKeyFetchFailure = (error: unknown): boolean =>
  error instanceof errors.JWKSTimeout ||
  error instanceof errors.JWKSInvalid ||
  !(error instanceof errors.JOSEError);

/** What the caller is told: enough to fix their client, nothing about our keys. */
function reasonFor(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed)
    return `the token's ${error.claim} claim is not acceptable`;
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token is not signed with an accepted algorithm';
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey)
    return 'the token is not signed by the trusted issuer';
  return 'the token is malformed';
}

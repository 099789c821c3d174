import type { MiddlewareObj } from '@middy/core';
import { mayDo, type RouteAccess } from '../../../auth/roles.ts';
import type { TokenVerifier } from '../../auth/token-verifier.ts';
import { ForbiddenError, UnauthenticatedError } from '../../errors.ts';
import { header, type RouteEvent } from '../request.ts';
import type { HttpResponse } from '../responses.ts';

/** RFC 6750's `Bearer` credentials: base64url segments (a JWS has three). */
const BEARER = /^Bearer ([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*){2})$/i;

/**
 * The first check of every request, before validation: the bearer token must verify, and its roles
 * must grant what the route's declaration (routes.ts) asks. The verified caller rides on the event
 * for the next middlewares: it is the actor, and it scopes Idempotency-Keys.
 */
export function authenticate(
  access: RouteAccess,
  verifier: TokenVerifier | undefined,
): MiddlewareObj<RouteEvent, HttpResponse> {
  if (access !== 'public' && verifier === undefined)
    throw new Error(
      'invalid configuration: AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL are required by this route',
    );
  return {
    before: async (request) => {
      if (access === 'public' || verifier === undefined) return;
      const authorization = header(request.event, 'authorization');
      if (authorization === undefined) throw new UnauthenticatedError('no Authorization header');
      const token = BEARER.exec(authorization.trim())?.[1];
      if (token === undefined)
        throw new UnauthenticatedError('the Authorization header is not `Bearer <JWT>`');
      const caller = await verifier.verify(token);
      if (access !== 'authenticated' && !mayDo(caller.roles, access))
        throw new ForbiddenError({ roles: caller.roles, lacks: access });
      request.event.caller = caller;
    },
  };
}

/**
 * CORS of the public API, declared once: API Gateway's CORS configuration (infra/http-api.ts) and
 * the local API Gateway stand-in (local/http-api.ts) read it, so the admin app, on an origin of its
 * own, is allowed exactly the same there and here. Dependency-free on purpose: `infra/` imports it.
 */
import { ROUTES, type RouteDeclaration } from './routes.ts';

export const CORS_ALLOW_HEADERS = ['authorization', 'content-type', 'idempotency-key'] as const;
/** The admin app reads how long to wait after a 429 THROTTLED or a 503. */
export const CORS_EXPOSE_HEADERS = ['retry-after'] as const;
/** How long a browser may keep a preflight's answer. */
export const CORS_MAX_AGE_SECONDS = 3600;
/** Bearer tokens, not cookies: the browser sends no credentials of its own. */
export const CORS_ALLOW_CREDENTIALS = false;

export type CorsMethod = Exclude<RouteDeclaration['method'], 'ANY'>;

/** The methods the route table uses. */
export const CORS_ALLOW_METHODS: readonly CorsMethod[] = [
  ...new Set(
    (ROUTES as readonly RouteDeclaration[])
      .map((route) => route.method)
      .filter((method): method is CorsMethod => method !== 'ANY'),
  ),
].sort();

/** The one origin browsers may call the API from: the admin app's (scheme, host and port). */
export const corsOrigin = (adminAppUrl: string): string => new URL(adminAppUrl).origin;

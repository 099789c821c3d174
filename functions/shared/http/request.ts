import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Caller } from '../auth/token-verifier.ts';

/** What the middlewares learn about a request, handed to the route's function. */
export interface ParsedRequest<P = unknown, Q = unknown, B = unknown> {
  params: P;
  query: Q;
  body: B;
  /** The verified token's `sub` (`anonymous` on the public routes, which change nothing). */
  actor: string;
  requestId: string;
  /** The API's base URL as this request reached it (apiUrlOf). */
  apiUrl: string;
  /** Present on idempotent routes called with an Idempotency-Key. */
  idempotency?: { key: string; fingerprint: string; operationId: string };
}

/** The payload 2.0 event, with what the middlewares parsed attached. */
export type RouteEvent = APIGatewayProxyEventV2 & { caller?: Caller; parsed?: ParsedRequest };

export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  // API Gateway lower-cases header names in payload 2.0; the local runtime does the same.
  return event.headers?.[name];
}

/**
 * The base URL the request reached the API at: its origin, plus the stage's path when the stage is
 * not `$default`. API Gateway names the scheme in X-Forwarded-Proto (https); the local API does not.
 */
export function apiUrlOf(event: APIGatewayProxyEventV2): string {
  const { domainName, stage } = event.requestContext;
  const scheme = header(event, 'x-forwarded-proto') ?? 'http';
  const origin = `${scheme}://${domainName ?? header(event, 'host') ?? 'localhost'}`;
  return stage === undefined || stage === '$default' ? origin : `${origin}/${stage}`;
}

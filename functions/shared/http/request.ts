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
  /** Present on idempotent routes called with an Idempotency-Key. */
  idempotency?: { key: string; fingerprint: string; operationId: string };
}

/** The payload 2.0 event, with what the middlewares parsed attached. */
export type RouteEvent = APIGatewayProxyEventV2 & { caller?: Caller; parsed?: ParsedRequest };

export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  // API Gateway lower-cases header names in payload 2.0; the local runtime does the same.
  return event.headers?.[name];
}

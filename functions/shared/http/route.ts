import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import { ROUTES } from '../../routes.ts';
import type { TokenVerifier } from '../auth/token-verifier.ts';
import { systemClock } from '../clock.ts';
import { ServiceUnavailableError } from '../errors.ts';
import { logger } from '../logger.ts';
import type { IdempotencyStore } from './idempotency.store.ts';
import { authenticate } from './middleware/authenticate.ts';
import { businessMetrics } from './middleware/business-metrics.ts';
import { errorResponse } from './middleware/error-response.ts';
import { idempotency } from './middleware/idempotency.ts';
import { parseRequest } from './middleware/parse-request.ts';
import type { ParsedRequest, RouteEvent } from './request.ts';
import { type HttpResponse, jsonResponse } from './responses.ts';

export type OperationId = (typeof ROUTES)[number]['operationId'];

interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  /** The route's entry in routes.ts: its `access` says what the caller's token must grant. */
  operationId: OperationId;
  /** Checks bearer tokens; every route but the public ones needs one. */
  verifier?: TokenVerifier | undefined;
  params?: P;
  query?: Q;
  body?: B;
  /** Given for money-moving POSTs: they honour `Idempotency-Key`. */
  idempotency?: IdempotencyStore;
}

/**
 * How long before Lambda's own timeout a route gives up on its use case and answers 503: time for
 * the error answer and the idempotency release, so a slow dependency never ends as API Gateway's
 * bare 500/503 with the key still locked.
 */
export const ROUTE_ANSWER_MARGIN_MS = 1_000;
const ROUTE_DEADLINE_RETRY_AFTER_SECONDS = 5;

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;

/** A JSON answer, or a file answered as it is (the docs page and its assets). */
export type RouteResult =
  | { statusCode: number; body: unknown }
  | { file: { contentType: string; body: string; headers?: Record<string, string> } };

/**
 * Builds a Lambda handler for one route: parsing and validation, idempotency and error answers
 * are the same for every route; `run` gets typed input and returns status and body (or a file).
 */
export function httpRoute<
  P extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  B extends z.ZodType = z.ZodUndefined,
>(
  spec: RouteSpec<P, Q, B>,
  run: (input: ParsedRequest<Infer<P>, Infer<Q>, Infer<B>>) => Promise<RouteResult>,
): (event: RouteEvent, context: Context) => Promise<HttpResponse> {
  const handler = middy<RouteEvent, HttpResponse>(
    async (event: RouteEvent) => {
      // parseRequest always sets `parsed` before the handler runs, with values the schemas produced.
      const input = event.parsed as ParsedRequest<Infer<P>, Infer<Q>, Infer<B>>;
      const result = await run(input);
      if ('file' in result) {
        const { contentType, body, headers } = result.file;
        return {
          statusCode: 200,
          headers: { 'content-type': contentType, 'x-request-id': input.requestId, ...headers },
          body,
        };
      }
      return jsonResponse(result.statusCode, result.body, input.requestId);
    },
    {
      timeoutEarlyInMillis: ROUTE_ANSWER_MARGIN_MS,
      timeoutEarlyResponse: () => {
        throw new ServiceUnavailableError(ROUTE_DEADLINE_RETRY_AFTER_SECONDS, {
          cause: new Error('the route ran out of time'),
        });
      },
    },
  )
    .use(businessMetrics(spec.operationId))
    .before((request) => {
      logger.resetKeys();
      logger.appendKeys({ requestId: request.event.requestContext.requestId, route: request.event.routeKey });
    })
    .use(authenticate(accessOf(spec.operationId), spec.verifier))
    .use(parseRequest(spec));
  if (spec.idempotency) handler.use(idempotency(spec.idempotency, systemClock));
  handler.use(errorResponse());
  return async (event, context) => {
    const response = await handler(event, context);
    // HEAD answers as GET does, without the body, whichever gateway (or none) would drop it.
    return event.requestContext.http.method === 'HEAD' ? { ...response, body: '' } : response;
  };
}

/** What a route's declaration in routes.ts asks of its caller. */
export function accessOf(operationId: OperationId): (typeof ROUTES)[number]['access'] {
  const route = ROUTES.find((candidate) => candidate.operationId === operationId);
  if (!route) throw new Error(`no route ${operationId} in routes.ts`);
  return route.access;
}

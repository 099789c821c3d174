import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { authenticate } from '#shared/http/middleware/authenticate.ts';
import { errorResponse as errorAnswer } from '#shared/http/middleware/error-response.ts';
import type { RouteEvent } from '#shared/http/request.ts';
import { errorResponse, type HttpResponse } from '#shared/http/responses.ts';
import { accessOf } from '#shared/http/route.ts';
import { getRuntime } from '#shared/runtime.ts';

/**
 * API Gateway's `$default` route: every request no other route matches gets the contract's 404, but
 * only with a valid token (401 without), so that unauthenticated probing learns nothing of the API.
 * Whatever body came is ignored: there is no route to validate it for.
 */
const notFound = middy<RouteEvent, HttpResponse>(async (event: RouteEvent) => {
  const { method, path } = event.requestContext.http;
  return errorResponse(
    'ROUTE_NOT_FOUND',
    `No route for ${method} ${path}.`,
    { method, path },
    event.requestContext.requestId,
  );
})
  .use(authenticate(accessOf('RouteNotFound'), getRuntime().tokenVerifier))
  .use(errorAnswer());

export const handler = (event: RouteEvent, context: Context): Promise<HttpResponse> =>
  notFound(event, context);

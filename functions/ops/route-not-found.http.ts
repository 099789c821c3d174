import type { Context } from 'aws-lambda';
import type { RouteEvent } from '#shared/http/request.ts';
import { errorResponse, type HttpResponse } from '#shared/http/responses.ts';

/** API Gateway's `$default` route: every request no other route matches gets the contract's 404. */
export async function handler(event: RouteEvent, _context: Context): Promise<HttpResponse> {
  const { method, path } = event.requestContext.http;
  return errorResponse(
    'ROUTE_NOT_FOUND',
    `No route for ${method} ${path}.`,
    { method, path },
    event.requestContext.requestId,
  );
}

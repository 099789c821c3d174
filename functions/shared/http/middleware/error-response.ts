import type { MiddlewareObj } from '@middy/core';
import type { RouteEvent } from '../request.ts';
import { type HttpResponse, responseForError } from '../responses.ts';

/**
 * Registered last, so its onError runs first: it turns the error into the contract's answer, and
 * middlewares that run after it (idempotency) see the final HTTP response.
 */
export function errorResponse(): MiddlewareObj<RouteEvent, HttpResponse> {
  return {
    onError: (request) => {
      request.response = responseForError(request.error, request.event.requestContext.requestId);
    },
  };
}

import type { HttpResponse } from '#shared/http/responses.ts';
import { ROUTES } from '../routes.ts';
import type { DocumentedOperationId } from './operations.ts';

/** A file answered as it is (the docs page and its assets), not as JSON. */
export interface FileAnswer {
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

export function fileResponse(file: FileAnswer, requestId: string): HttpResponse {
  return {
    statusCode: 200,
    headers: { 'content-type': file.contentType, 'x-request-id': requestId, ...file.headers },
    body: file.body,
  };
}

/** The route's declared access, which must be `public`: these routes take no token. */
export function publicAccess(operationId: DocumentedOperationId): 'public' {
  const route = ROUTES.find((candidate) => candidate.operationId === operationId);
  if (route?.access !== 'public') throw new Error(`${operationId} is not an open route in routes.ts`);
  return route.access;
}

import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AppError, type ErrorCode } from '../errors.ts';
import { logger } from '../logger.ts';
import { STATUS_BY_CODE } from './status-by-code.ts';

export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };

export function jsonResponse(statusCode: number, body: unknown, requestId: string): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    body: JSON.stringify(body),
  };
}

/** Used when an error that asks the caller to come back later does not say when. */
const DEFAULT_RETRY_AFTER_SECONDS = 1;
/** Statuses whose answer always says when to come back (the contract's 429 and 503). */
const COME_BACK_LATER = new Set([429, 503]);

export function errorResponse(
  code: ErrorCode,
  message: string,
  details: unknown,
  requestId: string,
): HttpResponse {
  const status = STATUS_BY_CODE[code];
  const response = jsonResponse(status, { error: { code, message, details, requestId } }, requestId);
  // RFC 6750: a 401 names the scheme it wants.
  if (status === 401) response.headers = { ...response.headers, 'www-authenticate': 'Bearer' };
  if (COME_BACK_LATER.has(status)) {
    response.headers = { ...response.headers, 'retry-after': String(retryAfterSeconds(details)) };
  }
  return response;
}

/** `details.retryAfterSeconds` when the error set one (ServiceUnavailableError does), else a default. */
function retryAfterSeconds(details: unknown): number {
  const seconds = (details as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
  return typeof seconds === 'number' && Number.isInteger(seconds) && seconds > 0
    ? seconds
    : DEFAULT_RETRY_AFTER_SECONDS;
}

/**
 * Turns any error into the contract's error answer. A 4xx carries the error's own message and
 * details; a 5xx that is not one of ours carries nothing of its internals (they go to the log).
 */
export function responseForError(error: unknown, requestId: string): HttpResponse {
  if (error instanceof AppError) {
    if (STATUS_BY_CODE[error.code] >= 500) {
      logger.warn('request failed upstream', { code: error.code, details: error.details, error });
    }
    return errorResponse(error.code, error.message, error.details, requestId);
  }
  logger.error('unexpected error', { error: error instanceof Error ? error : String(error) });
  return errorResponse('INTERNAL', 'Something went wrong on our side; it has been logged.', {}, requestId);
}

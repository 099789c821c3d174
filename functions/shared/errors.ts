/**
 * Named, HTTP-agnostic errors. Each carries a stable `code`; the HTTP layer maps codes to statuses
 * in one table typed over `ErrorCode`, so a new code without a status does not compile.
 * Every class sets `name` explicitly: minifiers rename classes, and Step Functions matches on it.
 */

export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'THROTTLED'
  | 'MALFORMED_JSON'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'CUSTOMER_NOT_FOUND'
  | 'PRODUCT_NOT_FOUND'
  | 'PURCHASE_NOT_FOUND'
  | 'PROMO_CODE_NOT_FOUND'
  | 'ROUTE_NOT_FOUND'
  | 'CONFLICT'
  | 'REQUEST_IN_PROGRESS'
  | 'PAYLOAD_TOO_LARGE'
  | 'INSUFFICIENT_CREDIT'
  | 'BALANCE_LIMIT_EXCEEDED'
  | 'REFUND_EXCEEDS_REMAINING'
  | 'PURCHASE_NOT_REFUNDABLE'
  | 'PROMO_CODE_INVALID'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'SHIPMENT_FAILED'
  | 'UPSTREAM_ERROR'
  | 'UPSTREAM_TIMEOUT'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL';

export interface FieldIssue {
  path: string;
  message: string;
}

export class AppError extends Error {
  override readonly name: string = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> | FieldIssue[] = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export class ValidationError extends AppError {
  override readonly name = 'ValidationError';
  constructor(issues: FieldIssue[]) {
    super('VALIDATION_FAILED', 'The request is not valid; see details for each field.', issues);
  }
}

/** No bearer token, or one that is malformed, expired, forged or for another audience. */
export class UnauthenticatedError extends AppError {
  override readonly name = 'UnauthenticatedError';
  constructor(reason: string, options?: ErrorOptions) {
    super(
      'UNAUTHENTICATED',
      'A valid bearer token from the trusted issuer is required.',
      { reason },
      options,
    );
  }
}

/** A valid token whose roles may not do this. */
export class ForbiddenError extends AppError {
  override readonly name = 'ForbiddenError';
  constructor(details: { roles: readonly string[]; lacks: string }) {
    super(
      'FORBIDDEN',
      details.roles.length === 0
        ? `The token carries no role; this needs the '${details.lacks}' permission.`
        : `Role ${details.roles.map((role) => `'${role}'`).join(', ')} may not do this: it lacks the '${details.lacks}' permission.`,
      details,
    );
  }
}

export class NotFoundError extends AppError {
  override readonly name = 'NotFoundError';
  constructor(
    code: Extract<ErrorCode, `${string}_NOT_FOUND`>,
    message: string,
    details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(code, message, details, options);
  }
}

export class InsufficientCreditError extends AppError {
  override readonly name = 'InsufficientCreditError';
  constructor(details: { customerId: string; availableCents: number; requestedCents: number }) {
    super('INSUFFICIENT_CREDIT', 'The customer does not have enough available credit.', details);
  }
}

export class BalanceLimitExceededError extends AppError {
  override readonly name = 'BalanceLimitExceededError';
  constructor(details: { customerId: string; lots?: number; maxLots?: number }) {
    super(
      'BALANCE_LIMIT_EXCEEDED',
      'The balance would exceed the largest amount the service can hold.',
      details,
    );
  }
}

/** A concurrent change won and retrying did not get through; the caller may retry. */
export class ConflictError extends AppError {
  override readonly name = 'ConflictError';
  constructor(message: string, options?: ErrorOptions) {
    super('CONFLICT', message, {}, options);
  }
}

export class UpstreamError extends AppError {
  override readonly name: string = 'UpstreamError';
  constructor(operation: string, reason: string, options?: ErrorOptions) {
    super('UPSTREAM_ERROR', `The external ${operation} call failed.`, { operation, reason }, options);
  }
}

/**
 * The external API said it did not process the request (503, 429) or could not be reached at all:
 * the one upstream failure that is safe to retry, even for a call that is not idempotent.
 */
export class UpstreamUnavailableError extends UpstreamError {
  override readonly name = 'UpstreamUnavailableError';
}

export class UpstreamTimeoutError extends AppError {
  override readonly name = 'UpstreamTimeoutError';
  constructor(operation: string, timeoutMs: number, options?: ErrorOptions) {
    super(
      'UPSTREAM_TIMEOUT',
      `The external ${operation} call did not answer in time.`,
      { operation, timeoutMs },
      options,
    );
  }
}

/**
 * A dependency (DynamoDB, Step Functions) is throttling, timing out or unreachable, and the request
 * answers early rather than wait: nothing was changed that a retry with the same Idempotency-Key
 * would not find. `retryAfterSeconds` becomes the `Retry-After` header; it is in the details too,
 * so it survives the trip through a saga task.
 */
export class ServiceUnavailableError extends AppError {
  override readonly name = 'ServiceUnavailableError';
  constructor(
    readonly retryAfterSeconds: number,
    options?: ErrorOptions,
  ) {
    super(
      'SERVICE_UNAVAILABLE',
      'The service is busy; retry later (with the same Idempotency-Key, if the request had one).',
      { retryAfterSeconds },
      options,
    );
  }
}

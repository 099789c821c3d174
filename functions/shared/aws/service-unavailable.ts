import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { ServiceUnavailableError } from '../errors.ts';
import { logger } from '../logger.ts';

/**
 * The one place where an AWS SDK call's overload (throttling, a timeout, an unreachable or failing
 * service) becomes our ServiceUnavailableError. It runs as client middleware, outside the SDK's own
 * retries, so it sees only what is left once those are spent; no repository or use case needs to
 * know. Everything else passes untouched, above all the condition failures that repositories turn
 * into domain errors (ConditionalCheckFailedException, a TransactionCanceledException that names
 * a failed condition or a conflict).
 */
export type OverloadKind = 'throttled' | 'timed-out' | 'unreachable' | 'failing';

const THROTTLING_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  // The same ClientRequestToken is still being applied (an SDK retry after a timeout): outcome unknown.
  'TransactionInProgressException',
]);
/** The SDK's request handler names its timeouts so (connection and request). */
const TIMEOUT_ERRORS = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** Cancellation reasons that say a transaction's item was throttled, not that a condition failed. */
const THROTTLED_CANCELLATIONS = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded']);
const DOMAIN_CANCELLATIONS = new Set(['ConditionalCheckFailed', 'TransactionConflict']);

/** Throughput frees up within a second; a service that hangs or is down needs longer. */
const RETRY_AFTER_SECONDS: Record<OverloadKind, number> = {
  throttled: 1,
  'timed-out': 5,
  unreachable: 5,
  failing: 5,
};

/** @returns how an SDK error says the service is overloaded, or undefined for any other error */
export function overloadKind(error: unknown): OverloadKind | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error instanceof TransactionCanceledException) {
    const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
    const throttled = codes.some((code) => THROTTLED_CANCELLATIONS.has(code));
    return throttled && !codes.some((code) => DOMAIN_CANCELLATIONS.has(code)) ? 'throttled' : undefined;
  }
  if (THROTTLING_ERRORS.has(error.name)) return 'throttled';
  if (TIMEOUT_ERRORS.has(error.name)) return 'timed-out';
  const { code, $fault } = error as { code?: unknown; $fault?: unknown };
  if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return 'unreachable';
  // InternalServerError, an unmodelled 500/503: the service's fault, already retried by the SDK.
  if ($fault === 'server') return 'failing';
  return undefined;
}

type Next<A, R> = (args: A) => Promise<R>;

/**
 * Client middleware (see SERVICE_UNAVAILABLE_STEP) that turns an overloaded call into a
 * ServiceUnavailableError whose cause is the SDK's error.
 */
export function serviceUnavailableMiddleware(dependency: string) {
  return <A, R>(next: Next<A, R>, context: { commandName?: string }): Next<A, R> =>
    async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const kind = overloadKind(error);
        if (kind === undefined) throw error;
        logger.warn('aws call overloaded', {
          dependency,
          operation: context.commandName,
          kind,
          attempts: (error as { $metadata?: { attempts?: number } }).$metadata?.attempts,
          error: error as Error,
        });
        throw new ServiceUnavailableError(RETRY_AFTER_SECONDS[kind], { cause: error });
      }
    };
}

/** Outermost (first step, high priority): it sees a call's error after the SDK's retries. */
export const SERVICE_UNAVAILABLE_STEP = {
  step: 'initialize',
  priority: 'high',
  name: 'serviceUnavailableMiddleware',
} as const;

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SERVICE_UNAVAILABLE_STEP, serviceUnavailableMiddleware } from '../aws/service-unavailable.ts';

/**
 * Each DynamoDB call's budget. A single-item call or a 10-item transaction takes milliseconds; one
 * that has not answered in a second is stuck, and a fresh attempt does better than waiting. Three
 * attempts with the SDK's backoff (up to 1 s, then 2 s, after a throttle) bound a call to about
 * 3.2 s, so a route's worst path (the external API's 3 s, a failing call, then the idempotency
 * release failing too) stays inside its 15 s Lambda timeout, and a saga step's inside its own.
 */
export const DYNAMODB_REQUEST_TIMEOUT_MS = 1_000;
export const DYNAMODB_MAX_ATTEMPTS = 3;

/**
 * One document client per cold start; the endpoint is overridden only for DynamoDB Local. Calls
 * are bounded (timeouts, attempts) and an overloaded call fails as ServiceUnavailableError.
 * Tools that scan whole tables (reconciliation) pass a longer `requestTimeoutMs`.
 */
export function createDocumentClient(
  options: { endpoint?: string | undefined; requestTimeoutMs?: number | undefined } = {},
): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    maxAttempts: DYNAMODB_MAX_ATTEMPTS,
    requestHandler: {
      // Its clock starts with the request, so it covers waiting for a socket and connecting too.
      requestTimeout: options.requestTimeoutMs ?? DYNAMODB_REQUEST_TIMEOUT_MS,
      // Without it the handler only logs a request that outlives requestTimeout.
      throwOnRequestTimeout: true,
    },
  });
  client.middlewareStack.add(serviceUnavailableMiddleware('DynamoDB'), SERVICE_UNAVAILABLE_STEP);
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
}

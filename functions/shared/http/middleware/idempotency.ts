import { createHash } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import { canonicalJson } from '../../canonical-json.ts';
import type { Clock } from '../../clock.ts';
import { AppError, ValidationError } from '../../errors.ts';
import { logger } from '../../logger.ts';
import type { IdempotencyStore } from '../idempotency.store.ts';
import { header, type RouteEvent } from '../request.ts';
import type { HttpResponse } from '../responses.ts';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * Where a caller's key is recorded: the record is the caller's, so another caller's same key neither
 * replays nor blocks this one.
 */
export const idempotencyRecordKeyHash = (actor: string, key: string): string => sha256(`${actor}\n${key}`);

/** Answers worth replaying: the request ran and its outcome is final. 5xx and 409 may be retried. */
const isFinal = (statusCode: number): boolean => statusCode < 500 && statusCode !== 409;

/**
 * The contract's `Idempotency-Key`: the same key and request return the first answer again; the
 * same key with another request is 422; a duplicate of a request still running is 409. Runs after
 * validation, so a rejected request never claims a key.
 */
export function idempotency(store: IdempotencyStore, clock: Clock): MiddlewareObj<RouteEvent, HttpResponse> {
  /** The key hash of each request that holds a claim; only those complete or release it. */
  const claims = new WeakMap<RouteEvent, string>();
  const finish = async (event: RouteEvent, response: HttpResponse | null | undefined): Promise<void> => {
    const context = event.parsed?.idempotency;
    const keyHash = claims.get(event);
    if (!context || keyHash === undefined) return;
    try {
      if (response && isFinal(response.statusCode)) {
        await store.complete(keyHash, context.fingerprint, {
          statusCode: response.statusCode,
          body: response.body,
        });
      } else {
        await store.release(keyHash, context.fingerprint);
      }
    } catch (error) {
      // The answer stands; a lost record costs a replay its stored answer, never a second effect
      // (money-moving use cases also dedupe on the operation id).
      logger.warn('idempotency record not updated', { error: error as Error });
    }
  };

  return {
    before: async (request) => {
      const { event } = request;
      const key = header(event, 'idempotency-key');
      if (key === undefined || !event.parsed) return undefined;
      if (key.length < 1 || key.length > 255) {
        throw new ValidationError([
          { path: 'headers.idempotency-key', message: 'must be 1 to 255 characters' },
        ]);
      }
      const fingerprint = sha256(
        `${event.requestContext.http.method} ${event.rawPath}\n${canonicalJson(event.parsed.body ?? null)}`,
      );
      // The operation is the caller's: the same key from another caller is another operation (the
      // ledger's markers and the shipment's idempotency key derive from it).
      const operationId = sha256(`${event.parsed.actor}\n${key}\n${fingerprint}`);
      event.parsed.idempotency = { key, fingerprint, operationId };

      const keyHash = idempotencyRecordKeyHash(event.parsed.actor, key);
      const claim = await store.claim(keyHash, fingerprint, clock.now());
      switch (claim.kind) {
        case 'claimed':
          claims.set(event, keyHash);
          return undefined;
        case 'replay':
          return {
            statusCode: claim.response.statusCode,
            headers: {
              'content-type': 'application/json',
              'x-request-id': event.requestContext.requestId,
              'idempotent-replayed': 'true',
            },
            body: claim.response.body,
          };
        case 'in-progress':
          throw new AppError(
            'REQUEST_IN_PROGRESS',
            'A request with this Idempotency-Key is still running; retry later.',
          );
        case 'reused-with-other-request':
          throw new AppError(
            'IDEMPOTENCY_KEY_REUSED',
            'This Idempotency-Key was used with a different request; use a new key.',
          );
      }
    },
    after: (request) => finish(request.event, request.response),
    onError: (request) => finish(request.event, request.response),
  };
}

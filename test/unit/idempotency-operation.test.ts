import { describe, expect, it } from '@jest/globals';
import type { IdempotencyStore } from '../../functions/shared/http/idempotency.store.ts';
import { idempotency } from '../../functions/shared/http/middleware/idempotency.ts';
import type { RouteEvent } from '../../functions/shared/http/request.ts';

const store: IdempotencyStore = {
  claim: async () => ({ kind: 'claimed' }),
  complete: async () => undefined,
  release: async () => undefined,
};

/** The operation id the middleware gives a request: what markers and the shipment key derive from. */
async function operationIdOf(actor: string, key: string, body: unknown): Promise<string | undefined> {
  const event = {
    headers: { 'idempotency-key': key },
    rawPath: '/v1/purchases',
    requestContext: { http: { method: 'POST' }, requestId: 'r1' },
    parsed: { params: undefined, query: undefined, body, actor, requestId: 'r1' },
  } as unknown as RouteEvent;
  const middleware = idempotency(store, { now: () => new Date() });
  await middleware.before?.({
    event,
    context: {},
    response: undefined,
    error: undefined,
    internal: {},
  } as never);
  return event.parsed?.idempotency?.operationId;
}

describe('the operation id of an idempotent request', () => {
  it('is the same for the same caller, key and request', async () => {
    expect(await operationIdOf('ann', 'k1', { a: 1 })).toBe(await operationIdOf('ann', 'k1', { a: 1 }));
  });

  it('differs for another caller with the same key and request', async () => {
    expect(await operationIdOf('ann', 'k1', { a: 1 })).not.toBe(await operationIdOf('bob', 'k1', { a: 1 }));
  });

  it('differs for the same caller and key with another request', async () => {
    expect(await operationIdOf('ann', 'k1', { a: 1 })).not.toBe(await operationIdOf('ann', 'k1', { a: 2 }));
  });
});

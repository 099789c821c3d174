import { beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoIdempotencyStore } from '../../functions/shared/http/idempotency.store.ts';
import { freshMainTable } from '../support/tables.ts';

let store: DynamoIdempotencyStore;
const NOW = new Date('2026-11-21T12:00:00.000Z');
const later = (ms: number): Date => new Date(NOW.getTime() + ms);

beforeAll(async () => {
  const { client, tableName } = await freshMainTable();
  store = new DynamoIdempotencyStore(client, tableName);
});

describe('DynamoIdempotencyStore against DynamoDB Local', () => {
  it('lets exactly one of many concurrent claims through', async () => {
    const claims = await Promise.all(Array.from({ length: 10 }, () => store.claim('key-race', 'fp', NOW)));

    expect(claims.filter((claim) => claim.kind === 'claimed')).toHaveLength(1);
    expect(claims.filter((claim) => claim.kind === 'in-progress')).toHaveLength(9);
  });

  it('replays the completed answer for the same request', async () => {
    await store.claim('key-done', 'fp', NOW);
    await store.complete('key-done', 'fp', { statusCode: 201, body: '{"ok":true}' });

    expect(await store.claim('key-done', 'fp', later(1))).toEqual({
      kind: 'replay',
      response: { statusCode: 201, body: '{"ok":true}' },
    });
  });

  it('tells a different request under the same key apart', async () => {
    await store.claim('key-other', 'fp-1', NOW);

    expect(await store.claim('key-other', 'fp-2', later(1))).toEqual({ kind: 'reused-with-other-request' });
  });

  it('frees a released key for the next attempt', async () => {
    await store.claim('key-released', 'fp', NOW);
    await store.release('key-released', 'fp');

    expect(await store.claim('key-released', 'fp', later(1))).toEqual({ kind: 'claimed' });
  });

  it('lets the same request take over a claim whose holder died', async () => {
    await store.claim('key-stale', 'fp', NOW);

    expect(await store.claim('key-stale', 'fp', later(30_000))).toEqual({ kind: 'in-progress' });
    expect(await store.claim('key-stale', 'fp', later(61_000))).toEqual({ kind: 'claimed' });
  });
});

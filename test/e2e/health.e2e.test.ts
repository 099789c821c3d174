import { describe, expect, it } from '@jest/globals';
import { api } from '../support/api-client.ts';
import { stackUrls } from '../support/stack.ts';

describe('GET /health', () => {
  it('answers 200 ok once the stack is up', async () => {
    const answer = await api('GET', '/health');

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ok' });
  });
});

// Found by a review: HEAD /health answered 401 (it fell to the authorized catch-all route).
describe('HEAD of an open GET', () => {
  it.each([['/health'], ['/openapi.json'], ['/docs']])(
    'answers HEAD %s as its GET does, without a token and without a body',
    async (path) => {
      const get = await fetch(`${stackUrls().apiUrl}${path}`);
      await get.arrayBuffer();

      const head = await fetch(`${stackUrls().apiUrl}${path}`, { method: 'HEAD' });

      expect(head.status).toBe(get.status);
      expect(head.status).toBe(200);
      expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
      expect(await head.text()).toBe('');
    },
  );
});

import { describe, expect, it } from '@jest/globals';
import { api } from '../support/api-client.ts';

describe('GET /health', () => {
  it('answers 200 ok once the stack is up', async () => {
    const answer = await api('GET', '/health');

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ok' });
  });
});

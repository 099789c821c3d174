import { describe, expect, it } from '@jest/globals';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { httpRoute } from '../../functions/shared/http/route.ts';

const eventFor = (method: string): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: `${method} /health`,
    rawPath: '/health',
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: { requestId: `req-${method}`, http: { method, path: '/health' } },
  }) as unknown as APIGatewayProxyEventV2;
const context = { getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

describe('a route asked with HEAD', () => {
  it('answers as GET does, with its status and headers, and no body', async () => {
    const handler = httpRoute({ operationId: 'Health' }, async () => ({
      statusCode: 200,
      body: { status: 'ok' },
    }));

    const get = await handler(eventFor('GET'), context);
    const head = await handler(eventFor('HEAD'), context);

    expect(get.body).toBe('{"status":"ok"}');
    expect(head).toEqual({ ...get, headers: { ...get.headers, 'x-request-id': 'req-HEAD' }, body: '' });
  });
});

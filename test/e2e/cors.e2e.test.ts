import { describe, expect, it } from '@jest/globals';
import { CORS_ALLOW_HEADERS, CORS_ALLOW_METHODS, CORS_MAX_AGE_SECONDS } from '../../functions/cors.ts';
import { TEST_ADMIN } from '../support/api-client.ts';
import { stackUrls } from '../support/stack.ts';
import { tokenFor } from '../support/tokens.ts';

/** The test stack's admin app origin: ADMIN_APP_URL's default, as the issuer's redirect URI. */
const ADMIN_ORIGIN = 'http://localhost:5173';

const preflight = (origin: string, method = 'POST', headers = 'authorization,content-type,idempotency-key') =>
  fetch(`${stackUrls().apiUrl}/v1/customers/some-customer/credit/grants`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
  });

describe('CORS of the local API, as API Gateway answers it', () => {
  it('answers a preflight from the admin app 204 with its allow-lists, before any token check', async () => {
    const answer = await preflight(ADMIN_ORIGIN);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(ADMIN_ORIGIN);
    expect(answer.headers.get('access-control-allow-methods')?.split(',')).toEqual([...CORS_ALLOW_METHODS]);
    expect(answer.headers.get('access-control-allow-headers')?.split(',')).toEqual([...CORS_ALLOW_HEADERS]);
    expect(answer.headers.get('access-control-max-age')).toBe(String(CORS_MAX_AGE_SECONDS));
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('allows the methods of the route table and nothing else', () => {
    expect(CORS_ALLOW_METHODS).toEqual(['GET', 'PATCH', 'POST']);
  });

  it('gives another origin, or a header not on the list, no allow headers', async () => {
    for (const answer of [
      await preflight('https://evil.example'),
      await preflight(ADMIN_ORIGIN, 'POST', 'authorization,x-custom'),
      await preflight(ADMIN_ORIGIN, 'DELETE'),
    ]) {
      expect(answer.status).toBe(204);
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
      expect(answer.headers.get('access-control-allow-methods')).toBeNull();
    }
  });

  it('lets the admin app read answers, errors included, with Retry-After exposed', async () => {
    const url = `${stackUrls().apiUrl}/v1/customers`;
    const token = await tokenFor(TEST_ADMIN);
    const ok = await fetch(url, { headers: { origin: ADMIN_ORIGIN, authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(ADMIN_ORIGIN);
    expect(ok.headers.get('access-control-expose-headers')).toBe('retry-after');
    const refused = await fetch(url, { headers: { origin: ADMIN_ORIGIN } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(ADMIN_ORIGIN);
    const foreign = await fetch(url, {
      headers: { origin: 'https://evil.example', authorization: `Bearer ${token}` },
    });
    expect(foreign.status).toBe(200);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});

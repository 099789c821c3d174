import { describe, expect, it } from '@jest/globals';
import { openApiDocument } from '../../functions/docs/openapi.ts';
import { api } from '../support/api-client.ts';
import { stackUrls } from '../support/stack.ts';

describe('the API documented', () => {
  it('serves GET /openapi.json without a token: the document generated from the schemas, for where it is served', async () => {
    const response = await fetch(`${stackUrls().apiUrl}/openapi.json`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const { apiUrl, oidc } = stackUrls();
    expect(await response.json()).toEqual(
      openApiDocument({
        serverUrl: apiUrl,
        tokenUrl: oidc.tokenEndpoint,
        authorizationUrl: new URL('/auth', oidc.tokenEndpoint).href,
      }),
    );
  });

  it('serves GET /docs without a token, and every file the page loads from this origin', async () => {
    const pageUrl = `${stackUrls().apiUrl}/docs`;
    const page = await fetch(pageUrl);
    const html = await page.text();
    const references = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map(
      (match) => new URL(match[1] ?? '', pageUrl),
    );

    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(references.map((url) => url.pathname)).toEqual([
      '/docs/swagger-ui.css',
      '/docs/swagger-ui-bundle.js',
      '/docs/swagger-ui-initializer.js',
    ]);
    for (const url of references) {
      const asset = await fetch(url);
      const body = await asset.text();

      expect(url.origin).toBe(new URL(pageUrl).origin);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(
        url.pathname.endsWith('.css') ? /^text\/css/ : /^text\/javascript/,
      );
      expect(body.length).toBeGreaterThan(100);
    }
  });

  it('answers a file the docs page does not have with 404 ROUTE_NOT_FOUND, token or not', async () => {
    const answer = await api('GET', '/docs/nothing.js', { as: null });

    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } });
  });
});

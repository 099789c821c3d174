import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { adminAppListener } from '../../local/admin-app.ts';

const config = {
  authority: 'http://127.0.0.1:3001',
  clientId: 'admin-app',
  apiBaseUrl: 'http://127.0.0.1:3000',
};
let server: Server;
let base: string;

beforeAll(async () => {
  const dist = mkdtempSync(join(tmpdir(), 'admin-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(dist, 'assets', 'main-abc.js'), 'console.log(1)');
  server = createServer(adminAppListener(dist, config));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the local admin app server', () => {
  it('serves the runtime config', async () => {
    const answer = await fetch(`${base}/config.json`);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(await answer.json()).toEqual(config);
  });

  it('serves index.html for any page of the app, the sign-in callback included', async () => {
    for (const path of ['/', '/callback?code=x&state=y', '/customers/550e8400', '/audit']) {
      const answer = await fetch(`${base}${path}`);
      expect(answer.status).toBe(200);
      expect(await answer.text()).toContain('<title>app</title>');
    }
  });

  it('serves assets as immutable, and a missing one or a path outside the build as 404', async () => {
    const asset = await fetch(`${base}/assets/main-abc.js`);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(`${base}/assets/gone.js`)).status).toBe(404);
    expect((await fetch(`${base}/..%2f..%2fetc%2fpasswd.txt`)).status).toBe(404);
    expect((await fetch(`${base}/%E0%A4%A`)).status).toBe(400);
  });
});

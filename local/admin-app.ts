import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import sirv from 'sirv';
import { ROOT_DIR } from './paths.ts';

/**
 * The admin app under `npm start`: built with Vite when its sources are newer than the build, and
 * served at the root of its own origin (ADMIN_APP_URL), as CloudFront serves it in AWS: the files,
 * `/config.json` (its runtime settings: issuer, client id, API), and index.html for every other
 * path, so that a deep link such as /customers/… or the sign-in's /callback opens the app.
 */

export const ADMIN_APP_DIR = join(ROOT_DIR, 'admin');
export const ADMIN_APP_DIST = join(ADMIN_APP_DIR, 'dist');

export interface AdminAppConfig {
  authority: string;
  clientId: string;
  apiBaseUrl: string;
}

/**
 * The files the build depends on: the app's own, and the service's modules, which it imports (its API
 * types, money, roles): all of `functions/`, rather than a list that would miss the next import.
 */
function sourceFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
    );
  return [
    ...walk(join(ADMIN_APP_DIR, 'src')),
    ...walk(join(ADMIN_APP_DIR, 'public')),
    ...walk(join(ROOT_DIR, 'functions')),
    join(ADMIN_APP_DIR, 'index.html'),
    join(ADMIN_APP_DIR, 'vite.config.ts'),
    join(ROOT_DIR, 'package-lock.json'),
  ];
}

/** Builds the app unless its build is newer than every source. About a second when it must. */
export function buildAdminAppIfNeeded(): 'built' | 'up to date' {
  const index = join(ADMIN_APP_DIST, 'index.html');
  if (existsSync(index)) {
    const built = statSync(index).mtimeMs;
    if (sourceFiles().every((file) => statSync(file).mtimeMs <= built)) return 'up to date';
  }
  execFileSync(process.execPath, [join(ROOT_DIR, 'node_modules/vite/bin/vite.js'), 'build', ADMIN_APP_DIR], {
    cwd: ROOT_DIR,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  return 'built';
}

/** The security headers CloudFront's response headers policy adds in AWS. */
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
};

/**
 * The built files through `sirv` (a well-kept static server). A path with no file behind it is a
 * page of the app (index.html), unless it names a file (an extension): a missing asset is a 404.
 * Hashed assets are immutable; everything else is revalidated, so a new build shows at once.
 */
export function adminAppListener(distDir: string, config: AdminAppConfig): RequestListener {
  const configBody = JSON.stringify(config);
  const files = sirv(distDir, {
    dotfiles: false,
    setHeaders: (response, pathname) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
      response.setHeader(
        'cache-control',
        pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  return (request, response) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    } catch {
      response.writeHead(400, { 'content-type': 'text/plain', ...SECURITY_HEADERS }).end('Bad request');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/config.json') {
      response
        .writeHead(200, {
          'content-type': 'application/json',
          'cache-control': 'no-store',
          ...SECURITY_HEADERS,
        })
        .end(configBody);
      return;
    }
    const notFound = (): void => {
      response.writeHead(404, { 'content-type': 'text/plain', ...SECURITY_HEADERS }).end('Not found');
    };
    files(request, response, () => {
      if (extname(path) !== '') return notFound();
      request.url = '/';
      files(request, response, notFound);
    });
  };
}

export interface AdminAppServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * Serves the built app at `url` (its port; 0 picks one). A `localhost` URL is served on both
 * loopback addresses, since a browser may resolve it to either.
 */
export async function serveAdminApp(url: string, config: AdminAppConfig): Promise<AdminAppServer> {
  const wanted = new URL(url);
  const listener = adminAppListener(ADMIN_APP_DIST, config);
  const listen = (server: Server, host: string, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
    });
  const servers: Server[] = [createServer(listener)];
  const port = await listen(servers[0] as Server, '127.0.0.1', Number(wanted.port || 80));
  if (wanted.hostname === 'localhost') {
    const v6 = createServer(listener);
    // No IPv6 loopback on this machine: the IPv4 one is enough.
    await listen(v6, '::1', port).then(
      () => servers.push(v6),
      () => undefined,
    );
  }
  wanted.port = String(port);
  return {
    url: wanted.origin,
    stop: async () => {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}

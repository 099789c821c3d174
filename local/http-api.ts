import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import {
  CORS_ALLOW_HEADERS,
  CORS_ALLOW_METHODS,
  CORS_EXPOSE_HEADERS,
  CORS_MAX_AGE_SECONDS,
} from '../functions/cors.ts';
import { answersHead, type RouteDeclaration } from '../functions/routes.ts';
import { invokeWithTimeout, LambdaTimeoutError } from './lambda-context.ts';
import { localTrace } from './trace-hooks.ts';

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

interface LoadedRoute {
  declaration: RouteDeclaration;
  segments: string[];
  handler: Handler;
}

/** API Gateway accepts up to 10 MB; the handlers enforce the contract's own 64 KiB limit. */
const MAX_READ_BYTES = 10 * 1024 * 1024;

/**
 * Stands in for API Gateway's HTTP API: each request becomes a payload 2.0 event for the route's
 * handler module (the same module CDK deploys), and the handler's result becomes the response.
 * Unmatched requests go to the `$default` route, as in AWS.
 */
export async function createHttpApi(
  routes: readonly RouteDeclaration[],
  rootDir: string,
): Promise<RequestListener> {
  const loaded: LoadedRoute[] = [];
  for (const declaration of routes) {
    const module = (await import(pathToFileURL(`${rootDir}/${declaration.entry}`).href)) as {
      handler: Handler;
    };
    loaded.push({ declaration, segments: declaration.path.split('/'), handler: module.handler });
  }
  const fallback = loaded.find((route) => route.declaration.path === '$default');

  return (request, response) => {
    localTrace
      .span('http api', () => serve(loaded, fallback, request, response))
      .catch(() => {
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ message: 'Internal Server Error' }));
      });
  };
}

/** How soon a caller turned away while the stack starts should ask again. */
const STARTING_RETRY_AFTER_SECONDS = 1;

/**
 * Keeps the public API closed until the stack says it is ready: until then every request, `/health`
 * included, gets the contract's 503 SERVICE_UNAVAILABLE with Retry-After. The gate sits in the
 * local API Gateway stand-in, so no handler has a local-only path.
 */
export function readinessGate(listener: RequestListener): { listener: RequestListener; open(): void } {
  let ready = false;
  return {
    listener: (request, response) => {
      if (ready) return listener(request, response);
      const requestId = randomUUID();
      // Drain the body so the connection can be reused.
      request.resume();
      response
        .writeHead(503, {
          'content-type': 'application/json',
          'retry-after': String(STARTING_RETRY_AFTER_SECONDS),
          'x-request-id': requestId,
        })
        .end(
          JSON.stringify({
            error: {
              code: 'SERVICE_UNAVAILABLE',
              message: 'The local stack is still starting; retry in a moment.',
              details: {},
              requestId,
            },
          }),
        );
    },
    open: () => {
      ready = true;
    },
  };
}

async function serve(
  routes: LoadedRoute[],
  fallback: LoadedRoute | undefined,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  // Prefixed, not resolved against a base: a path that starts with `//` would be read as a host.
  const url = new URL(`http://localhost${request.url ?? '/'}`);
  const method = request.method ?? 'GET';
  const body = await readBody(request);
  if (body === undefined) {
    response
      .writeHead(413, { 'content-type': 'application/json' })
      .end(JSON.stringify({ message: 'Request Entity Too Large' }));
    return;
  }

  let matched: { route: LoadedRoute; params: Record<string, string> } | undefined;
  for (const route of routes) {
    const { declaration } = route;
    const methodMatches = declaration.method === method || (method === 'HEAD' && answersHead(declaration));
    const params = methodMatches ? matchPath(route.segments, url.pathname) : undefined;
    if (params) {
      matched = { route, params };
      break;
    }
  }
  const target = matched ?? (fallback && { route: fallback, params: {} });
  if (!target) {
    response
      .writeHead(404, { 'content-type': 'application/json' })
      .end(JSON.stringify({ message: 'Not Found' }));
    return;
  }

  const event = toEvent(request, url, method, body, target.route.declaration, target.params);
  const { operationId, timeoutSeconds } = target.route.declaration;
  let result: APIGatewayProxyStructuredResultV2;
  try {
    result = await invokeWithTimeout(operationId, timeoutSeconds, (context) =>
      localTrace.span(`handler ${operationId}`, () => target.route.handler(event, context)),
    );
  } catch (error) {
    if (!(error instanceof LambdaTimeoutError)) throw error;
    // What API Gateway answers when its Lambda timed out (not our error shape: AWS's own).
    response
      .writeHead(500, { 'content-type': 'application/json' })
      .end(JSON.stringify({ message: 'Internal Server Error' }));
    return;
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  response.writeHead(result.statusCode ?? 200, headers).end(result.body ?? '');
}

function matchPath(template: string[], path: string): Record<string, string> | undefined {
  const segments = path.split('/');
  if (segments.length !== template.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of template.entries()) {
    const segment = segments[index] ?? '';
    if (part.startsWith('{') && part.endsWith('}')) {
      if (segment === '') return undefined;
      try {
        params[part.slice(1, -1)] = decodeURIComponent(segment);
      } catch {
        params[part.slice(1, -1)] = segment;
      }
    } else if (part !== segment) {
      return undefined;
    }
  }
  return params;
}

function toEvent(
  request: IncomingMessage,
  url: URL,
  method: string,
  body: Buffer,
  route: RouteDeclaration,
  pathParameters: Record<string, string>,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const now = Date.now();
  // The route it matched, as AWS names it: a HEAD beside a GET is a route of its own there.
  const routeKey = route.path === '$default' ? '$default' : `${method} ${route.path}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(url.search ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(body.length > 0 ? { body: body.toString('utf8') } : {}),
    isBase64Encoded: false,
  };
}

/** The whole body, or undefined past API Gateway's limit. */
async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_READ_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * API Gateway's CORS configuration, locally (the settings are functions/cors.ts, the same the CDK
 * gives API Gateway): every `OPTIONS` is a preflight answered 204 before any route, throttle or
 * token check (browsers send it without the Authorization header); it carries the allow headers
 * only for the admin app's origin. Other answers to that origin get its allow-origin and expose
 * headers, errors and the 503 of a starting stack included, so that the app can read them.
 */
export function withCors(listener: RequestListener, allowedOrigin: string): RequestListener {
  return (request, response) => {
    const origin = request.headers.origin;
    const allowed = origin === allowedOrigin;
    if (request.method === 'OPTIONS') {
      request.resume();
      const headers: Record<string, string> = {};
      const method = String(request.headers['access-control-request-method'] ?? '').toUpperCase();
      const asked = String(request.headers['access-control-request-headers'] ?? '')
        .split(',')
        .map((name) => name.trim().toLowerCase())
        .filter((name) => name !== '');
      const headersAllowed = asked.every((name) => (CORS_ALLOW_HEADERS as readonly string[]).includes(name));
      if (allowed && (CORS_ALLOW_METHODS as readonly string[]).includes(method) && headersAllowed) {
        Object.assign(headers, {
          'access-control-allow-origin': allowedOrigin,
          'access-control-allow-methods': CORS_ALLOW_METHODS.join(','),
          'access-control-allow-headers': CORS_ALLOW_HEADERS.join(','),
          'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
        });
      }
      response.writeHead(204, { ...headers, vary: 'origin' }).end();
      return;
    }
    if (allowed) {
      response.setHeader('access-control-allow-origin', allowedOrigin);
      response.setHeader('access-control-expose-headers', CORS_EXPOSE_HEADERS.join(','));
      response.setHeader('vary', 'origin');
    }
    return listener(request, response);
  };
}

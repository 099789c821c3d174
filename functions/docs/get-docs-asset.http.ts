import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { NotFoundError } from '#shared/errors.ts';
import { authenticate } from '#shared/http/middleware/authenticate.ts';
import { errorResponse } from '#shared/http/middleware/error-response.ts';
import { parseRequest } from '#shared/http/middleware/parse-request.ts';
import type { RouteEvent } from '#shared/http/request.ts';
import type { HttpResponse } from '#shared/http/responses.ts';
import { ROUTES } from '../routes.ts';
import { DocsAssetPathSchema, loadDocsAssets } from './docs-assets.ts';
import { fileResponse, publicAccess } from './file-answer.ts';

const assets = loadDocsAssets(
  ROUTES.find((route) => route.operationId === 'GetDocsAsset')?.packageFiles ?? [],
);

/**
 * Swagger UI's own files, from the npm package (routes.ts `packageFiles`), read once at cold start.
 * Not JSON, so not `httpRoute`: the same middlewares, composed here.
 */
const docsAssetRoute = middy<RouteEvent, HttpResponse>(async (event: RouteEvent) => {
  const { asset } = (event.parsed?.params ?? {}) as { asset?: string };
  if (asset === undefined) throw new Error('parseRequest gave no params');
  const file = assets.get(asset);
  if (!file) throw new NotFoundError('ROUTE_NOT_FOUND', `No file /docs/${asset}.`, { asset });
  return fileResponse(
    { contentType: file.contentType, body: file.body, headers: { 'cache-control': 'public, max-age=3600' } },
    event.requestContext.requestId,
  );
})
  .use(authenticate(publicAccess('GetDocsAsset'), undefined))
  .use(parseRequest({ params: DocsAssetPathSchema }))
  .use(errorResponse());

export const handler = (event: RouteEvent, context: Context): Promise<HttpResponse> =>
  docsAssetRoute(event, context);

import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { authenticate } from '#shared/http/middleware/authenticate.ts';
import { errorResponse } from '#shared/http/middleware/error-response.ts';
import { parseRequest } from '#shared/http/middleware/parse-request.ts';
import type { RouteEvent } from '#shared/http/request.ts';
import type { HttpResponse } from '#shared/http/responses.ts';
import { ROUTES } from '../routes.ts';
import { DOCS_CONTENT_SECURITY_POLICY, docsAssetNames, docsPage } from './docs-assets.ts';
import { fileResponse, publicAccess } from './file-answer.ts';

const packageFiles = ROUTES.find((route) => route.operationId === 'GetDocsAsset')?.packageFiles ?? [];
const page = docsPage('Purchase service API', docsAssetNames(packageFiles));

/**
 * Swagger UI, every file of it from `/docs/{asset}`: the page needs no network beyond this API.
 * HTML, so not `httpRoute` (JSON only): the same middlewares, composed here.
 */
const docsPageRoute = middy<RouteEvent, HttpResponse>(async (event: RouteEvent) =>
  fileResponse(
    {
      contentType: 'text/html; charset=utf-8',
      body: page,
      headers: { 'content-security-policy': DOCS_CONTENT_SECURITY_POLICY, 'cache-control': 'no-cache' },
    },
    event.requestContext.requestId,
  ),
)
  .use(authenticate(publicAccess('GetDocsPage'), undefined))
  .use(parseRequest({}))
  .use(errorResponse());

export const handler = (event: RouteEvent, context: Context): Promise<HttpResponse> =>
  docsPageRoute(event, context);

import { httpRoute } from '#shared/http/route.ts';
import { ROUTES } from '../routes.ts';
import { DOCS_CONTENT_SECURITY_POLICY, docsAssetNames, docsPage } from './docs-assets.ts';

const packageFiles = ROUTES.find((route) => route.operationId === 'GetDocsAsset')?.packageFiles ?? [];
const page = docsPage('Purchase service API', docsAssetNames(packageFiles));

/** Swagger UI, every file of it from `/docs/{asset}`: the page needs no network beyond this API. */
export const handler = httpRoute({ operationId: 'GetDocsPage' }, async () => ({
  file: {
    contentType: 'text/html; charset=utf-8',
    body: page,
    headers: { 'content-security-policy': DOCS_CONTENT_SECURITY_POLICY, 'cache-control': 'no-cache' },
  },
}));

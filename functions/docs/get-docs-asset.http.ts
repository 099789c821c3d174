import { NotFoundError } from '#shared/errors.ts';
import { httpRoute } from '#shared/http/route.ts';
import { ROUTES } from '../routes.ts';
import { DocsAssetPathSchema, loadDocsAssets } from './docs-assets.ts';

const assets = loadDocsAssets(
  ROUTES.find((route) => route.operationId === 'GetDocsAsset')?.packageFiles ?? [],
);

/** Swagger UI's own files, from the npm package (routes.ts `packageFiles`), read once at cold start. */
export const handler = httpRoute(
  { operationId: 'GetDocsAsset', params: DocsAssetPathSchema },
  async ({ params: { asset } }) => {
    const file = assets.get(asset);
    if (!file) throw new NotFoundError('ROUTE_NOT_FOUND', `No file /docs/${asset}.`, { asset });
    return {
      file: {
        contentType: file.contentType,
        body: file.body,
        headers: { 'cache-control': 'public, max-age=3600' },
      },
    };
  },
);

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import * as z from 'zod';

/** `/docs/{asset}` takes a file name of every shape: one we do not serve is a 404, not a 400. */
export const DocsAssetPathSchema = z.strictObject({ asset: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/) });

export interface DocsAsset {
  contentType: string;
  body: string;
}

const JAVASCRIPT = 'text/javascript; charset=utf-8';
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': JAVASCRIPT,
  '.css': 'text/css; charset=utf-8',
};

/**
 * Starts Swagger UI on the page. A file rather than an inline script, so that the page's
 * Content-Security-Policy can allow scripts from this origin only.
 */
const INITIALIZER = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: 'openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: true,
    validatorUrl: null,
  });
});
`;
export const INITIALIZER_FILE = 'swagger-ui-initializer.js';

/**
 * The page's files by name: those of `packageFiles` (routes.ts) that browsers load, read once at
 * cold start from where Node resolves them (node_modules locally; the copy the CDK bundling puts
 * beside the Lambda bundle in AWS), and the initializer. A missing file fails the cold start.
 */
export function loadDocsAssets(packageFiles: readonly string[]): ReadonlyMap<string, DocsAsset> {
  const require = createRequire(import.meta.url);
  const assets = new Map<string, DocsAsset>();
  for (const file of servedFiles(packageFiles)) {
    const body = readFileSync(require.resolve(file.path), 'utf8');
    assets.set(file.name, { contentType: file.contentType, body });
  }
  assets.set(INITIALIZER_FILE, { contentType: JAVASCRIPT, body: INITIALIZER });
  return assets;
}

/** The names the page loads, style sheets first: what `loadDocsAssets` serves. */
export function docsAssetNames(packageFiles: readonly string[]): string[] {
  const names = servedFiles(packageFiles).map((file) => file.name);
  return [
    ...names.filter((name) => name.endsWith('.css')),
    ...names.filter((name) => name.endsWith('.js')),
    INITIALIZER_FILE,
  ];
}

function servedFiles(packageFiles: readonly string[]): { path: string; name: string; contentType: string }[] {
  return packageFiles.flatMap((path) => {
    const name = basename(path);
    const contentType = CONTENT_TYPES[name.slice(name.lastIndexOf('.'))];
    return contentType === undefined ? [] : [{ path, name, contentType }];
  });
}

/** The page: Swagger UI's style sheet and scripts, all from `/docs/`, rendering `/openapi.json`. */
export function docsPage(title: string, assetNames: readonly string[]): string {
  const tags = assetNames.map((name) =>
    name.endsWith('.css')
      ? `<link rel="stylesheet" href="docs/${name}">`
      : `<script src="docs/${name}" defer></script>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${tags.join('\n')}
</head>
<body>
<div id="swagger-ui"></div>
</body>
</html>
`;
}

/**
 * Everything the page loads comes from this origin (Swagger UI sets inline styles, and draws
 * icons as data: URIs); no CDN could be reached even if a file asked for one.
 */
export const DOCS_CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'";

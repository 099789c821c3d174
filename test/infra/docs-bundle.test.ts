import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { openApiDocument } from '../../functions/docs/openapi.ts';
import { ROUTES } from '../../functions/routes.ts';
import { PurchaseServiceStack } from '../../infra/purchase-service-stack.ts';
import { TEST_CONTEXT } from './synth.ts';

let outdir: string;
let template: Template;

/** The directory CDK staged a function's code in: what Lambda runs. */
function bundleOf(operationId: string): string {
  const functions = template.findResources('AWS::Lambda::Function') as Record<
    string,
    { Properties: { Code: { S3Key: string } } }
  >;
  const found = Object.entries(functions).find(([id]) => new RegExp(`^${operationId}[0-9A-F]{8}$`).test(id));
  if (!found) throw new Error(`no function ${operationId}`);
  return join(outdir, `asset.${found[1].Properties.Code.S3Key.replace(/\.zip$/, '')}`);
}

/** The construct ids of the service's functions (not the library's BucketDeployment provider). */
function functionIds(): string[] {
  return Object.keys(template.findResources('AWS::Lambda::Function'))
    .filter((id) => !id.startsWith('CustomCDKBucketDeployment'))
    .map((id) => id.replace(/[0-9A-F]{8}$/, ''));
}

/** What the stack gives the document's function: the table (every function has it) and the OAuth endpoints. */
const BUNDLE_SITE = {
  MAIN_TABLE_NAME: 'main',
  AUTH_TOKEN_URL: 'https://auth.example.test/oauth2/token',
  AUTH_AUTHORIZATION_URL: 'https://auth.example.test/oauth2/authorize',
};

/** Runs a bundled handler in a plain Node process, as Lambda would, with a payload 2.0 event. */
function invokeBundle(
  operationId: string,
  path: string,
  pathParameters?: Record<string, string>,
): { statusCode: number; headers: Record<string, string>; body: string } {
  const event = {
    version: '2.0',
    routeKey: `GET ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'x-forwarded-proto': 'https' },
    ...(pathParameters ? { pathParameters } : {}),
    requestContext: {
      domainName: 'api.example.test',
      stage: '$default',
      http: { method: 'GET', path },
      requestId: 'bundle-test',
      routeKey: `GET ${path}`,
    },
    isBase64Encoded: false,
  };
  const script = `const { handler } = await import(${JSON.stringify(`${bundleOf(operationId)}/index.mjs`)});
const answer = await handler(${JSON.stringify(event)}, { getRemainingTimeInMillis: () => 15000 });
process.stdout.write(JSON.stringify(answer));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, ...BUNDLE_SITE, POWERTOOLS_LOG_LEVEL: 'SILENT' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(output.toString('utf8'));
}

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'docs-bundle-'));
  const app = new App({ outdir, context: TEST_CONTEXT });
  template = Template.fromStack(
    new PurchaseServiceStack(app, 'Test', { externalApiBaseUrl: 'https://external.example' }),
  );
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the docs routes as deployed', () => {
  it("copies Swagger UI's files and licence beside the asset function's bundle", () => {
    const files = ROUTES.find((route) => route.operationId === 'GetDocsAsset')?.packageFiles ?? [];

    expect(files).toContain('swagger-ui-dist/swagger-ui-bundle.js');
    for (const file of files) {
      expect(existsSync(join(bundleOf('GetDocsAsset'), 'node_modules', file))).toBe(true);
    }
  });

  it('serves the Swagger UI script from the bundle, byte for byte the npm package file', () => {
    const answer = invokeBundle('GetDocsAsset', '/docs/swagger-ui-bundle.js', {
      asset: 'swagger-ui-bundle.js',
    });
    const packageFile = createRequire(import.meta.url).resolve('swagger-ui-dist/swagger-ui-bundle.js');

    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(answer.body).toBe(readFileSync(packageFile, 'utf8'));
  });

  it('builds, in the bundle, the same document as the schemas do here', () => {
    const answer = invokeBundle('GetOpenApiDocument', '/openapi.json');

    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toEqual(
      openApiDocument({
        serverUrl: 'https://api.example.test',
        tokenUrl: BUNDLE_SITE.AUTH_TOKEN_URL,
        authorizationUrl: BUNDLE_SITE.AUTH_AUTHORIZATION_URL,
      }),
    );
  });
});

describe('the bundles as deployed', () => {
  it("ships no source map in any function's asset, nor a comment that points to one", () => {
    for (const id of functionIds()) {
      const files = readdirSync(bundleOf(id));

      expect({ id, maps: files.filter((file) => file.endsWith('.map')) }).toEqual({ id, maps: [] });
      expect(readFileSync(join(bundleOf(id), 'index.mjs'), 'utf8')).not.toContain('sourceMappingURL');
    }
  });

  it("keeps each function's source map in the cloud assembly, mapping its bundle back to functions/", () => {
    for (const id of functionIds()) {
      const map = JSON.parse(readFileSync(join(outdir, 'source-maps', 'Test', id, 'index.mjs.map'), 'utf8'));

      expect(map.sources.some((source: string) => source.includes('functions/'))).toBe(true);
    }
  });
});

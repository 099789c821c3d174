import { loadConfig } from '#shared/config.ts';
import { httpRoute } from '#shared/http/route.ts';
import { openApiDocument } from './openapi.ts';

const { AUTH_TOKEN_URL: tokenUrl, AUTH_AUTHORIZATION_URL: authorizationUrl } = loadConfig();
if (tokenUrl === undefined || authorizationUrl === undefined) {
  throw new Error(
    'invalid configuration: AUTH_TOKEN_URL and AUTH_AUTHORIZATION_URL are required by this route',
  );
}
// Built at cold start from the bundled zod schemas; each answer adds the URL it was asked at.
openApiDocument({ serverUrl: '', tokenUrl, authorizationUrl });

export const handler = httpRoute({ operationId: 'GetOpenApiDocument' }, async ({ apiUrl }) => ({
  statusCode: 200,
  body: openApiDocument({ serverUrl: apiUrl, tokenUrl, authorizationUrl }),
}));

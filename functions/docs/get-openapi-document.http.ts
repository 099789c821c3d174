import { httpRoute } from '#shared/http/route.ts';
import { openApiDocument } from './openapi.ts';

// Built at cold start from the bundled zod schemas: the document is a function of the code alone.
const document = openApiDocument();

export const handler = httpRoute({ operationId: 'GetOpenApiDocument' }, async () => ({
  statusCode: 200,
  body: document,
}));

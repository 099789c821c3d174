import { describe, expect, it } from '@jest/globals';
import { Validator } from '@seriousme/openapi-schema-validator';
import { docsAssetNames, docsPage, loadDocsAssets } from '../../functions/docs/docs-assets.ts';
import { OPENAPI_VERSION, openApiDocument } from '../../functions/docs/openapi.ts';
import { ROUTES } from '../../functions/routes.ts';
import { answerSchemas, type OpenApiDocument } from '../support/openapi-answers.ts';

type Operation = {
  operationId: string;
  security?: unknown[];
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
};

const document = openApiDocument();
const paths = document.paths as Record<string, Record<string, Operation>>;
const operations = Object.entries(paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
);
const documentedRoutes = ROUTES.filter((route) => route.path !== '$default');
const operationOf = (operationId: string): Operation => {
  const found = operations.find(({ operation }) => operation.operationId === operationId);
  if (!found) throw new Error(`${operationId} is not in the document`);
  return found.operation;
};

describe('the OpenAPI document', () => {
  it('lists every route of the route table but $default, and no route the table lacks', () => {
    const documented = operations.map(({ method, path }) => `${method.toUpperCase()} ${path}`).sort();
    const declared = documentedRoutes.map((route) => `${route.method} ${route.path}`).sort();

    expect(documented).toEqual(declared);
    expect(operations.map(({ operation }) => operation.operationId).sort()).toEqual(
      documentedRoutes.map((route) => route.operationId).sort(),
    );
  });

  it('passes the OpenAPI 3.1 schema validator', async () => {
    const result = await new Validator().validate(structuredClone(document));

    expect(result).toEqual({ valid: true });
    expect(document.openapi).toBe(OPENAPI_VERSION);
  });

  it('has only answer schemas that compile as strict JSON Schema 2020-12', () => {
    const schemas = answerSchemas(document as OpenApiDocument);
    let compiled = 0;
    for (const { path, method, operation } of operations) {
      for (const status of Object.keys(operation.responses)) {
        const validate = schemas.validatorFor(path, method, Number(status));
        if (operation.responses[status]?.content?.['application/json']) expect(validate).toBeDefined();
        if (validate) compiled += 1;
      }
    }

    expect(compiled).toBeGreaterThan(documentedRoutes.length * 5);
  });

  it('asks for a bearer token everywhere but on the open routes, which say security: []', () => {
    expect(document.security).toEqual([{ bearerAuth: [] }]);
    expect(document.components).toMatchObject({
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    });
    for (const route of documentedRoutes) {
      const operation = operationOf(route.operationId);
      if (route.access === 'public') {
        expect(operation.security).toEqual([]);
        expect(operation.responses['401']).toBeUndefined();
      } else {
        expect(operation.security).toBeUndefined();
        expect(operation.responses['401']).toBeDefined();
        expect(operation.responses['403']).toBeDefined();
      }
    }
    expect(['Health', 'GetOpenApiDocument', 'GetDocsPage', 'GetDocsAsset'].map(operationOf)).toHaveLength(4);
  });

  it("names each route's path parameters, and Idempotency-Key on the money-moving POSTs", () => {
    for (const route of documentedRoutes) {
      const inPath = [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      const parameters = operationOf(route.operationId).parameters ?? [];

      expect(parameters.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(inPath);
    }
    const keyed = operations
      .filter(({ operation }) => operation.parameters?.some((p) => p.name === 'Idempotency-Key'))
      .map(({ operation }) => operation.operationId)
      .sort();
    expect(keyed).toEqual(['CreatePurchase', 'DeductCredit', 'GrantCredit', 'RefundPurchase']);
    expect(operationOf('ListPurchases').parameters?.map((p) => p.name)).toEqual([
      'limit',
      'cursor',
      'customerId',
      'productId',
    ]);
  });

  it("gives each error status the contract's error shape, with only the codes that route can answer", () => {
    const schemas = answerSchemas(document as OpenApiDocument);
    const validate = (operationId: string, status: string, body: unknown): boolean => {
      const { path = '', method = '' } =
        operations.find(({ operation }) => operation.operationId === operationId) ?? {};
      const validator = schemas.validatorFor(path, method, Number(status));
      if (!validator) throw new Error(`${operationId} documents no ${status}`);
      return validator(body) as boolean;
    };
    const error = (code: string, details: unknown = {}) => ({
      error: { code, message: 'm', details, requestId: 'r' },
    });

    expect(validate('GetPurchase', '404', error('PURCHASE_NOT_FOUND', { purchaseId: 'p' }))).toBe(true);
    expect(validate('GetPurchase', '404', error('CUSTOMER_NOT_FOUND'))).toBe(false);
    expect(validate('GrantCredit', '400', error('VALIDATION_FAILED', [{ path: 'body', message: 'm' }]))).toBe(
      true,
    );
    expect(validate('GrantCredit', '400', { message: 'Bad Request' })).toBe(false);
    expect(validate('CreatePurchase', '502', error('SHIPMENT_FAILED'))).toBe(true);
    expect(validate('GrantCredit', '409', error('REQUEST_IN_PROGRESS'))).toBe(true);
    expect(validate('DeductCredit', '422', error('INSUFFICIENT_CREDIT'))).toBe(true);
    expect(schemas.validatorFor('/v1/audit', 'get', 409)).toBeUndefined();
    expect(validate('GrantCredit', '415', error('UNSUPPORTED_MEDIA_TYPE'))).toBe(true);
    // Only a route that takes a body can refuse its type.
    expect(schemas.validatorFor('/v1/audit', 'get', 415)).toBeUndefined();
  });

  it('describes answers exactly: a field the schema does not know fails validation', () => {
    const schemas = answerSchemas(document as OpenApiDocument);
    const validate = (body: unknown): boolean =>
      schemas.validatorFor('/v1/customers/{customerId}/credit', 'get', 200)?.(body) as boolean;
    const credit = {
      customerId: 'c',
      currency: 'USD',
      balanceCents: 5,
      availableCents: 5,
      heldCents: 0,
      updatedAt: '2025-01-01T00:00:00.000Z',
    };

    expect(validate(credit)).toBe(true);
    expect(validate({ ...credit, secret: 'x' })).toBe(false);
    expect(validate({ ...credit, balanceCents: 0.5 })).toBe(false);
    expect(validate({ ...credit, updatedAt: 'yesterday' })).toBe(false);
  });
});

describe('the docs page', () => {
  const route = ROUTES.find((candidate) => candidate.operationId === 'GetDocsAsset');
  const packageFiles = route?.packageFiles ?? [];

  it('loads only files of its own origin that the asset route serves', () => {
    const html = docsPage('t', docsAssetNames(packageFiles));
    const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
    const assets = loadDocsAssets(packageFiles);

    expect(references).toEqual([
      'docs/swagger-ui.css',
      'docs/swagger-ui-bundle.js',
      'docs/swagger-ui-initializer.js',
    ]);
    for (const reference of references) expect(assets.has(reference.slice('docs/'.length))).toBe(true);
    expect(assets.get('swagger-ui-bundle.js')?.body).toContain('SwaggerUIBundle');
    expect(assets.get('swagger-ui-initializer.js')?.body).toContain("url: 'openapi.json'");
  });
});

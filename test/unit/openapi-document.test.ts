import { describe, expect, it } from '@jest/globals';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { auditEntryFor } from '../../functions/audit/audit.ts';
import { docsAssetNames, docsPage, loadDocsAssets } from '../../functions/docs/docs-assets.ts';
import {
  MACHINE_SCHEME,
  OPENAPI_VERSION,
  openApiDocument,
  USER_SCHEME,
} from '../../functions/docs/openapi.ts';
import {
  CreatePromoCodeRequestSchema,
  UpdatePromoCodeRequestSchema,
} from '../../functions/promo-codes/promo-code.schemas.ts';
import { purchaseItem } from '../../functions/purchases/purchase.repository.ts';
import { CreatePurchaseRequestSchema, type Purchase } from '../../functions/purchases/purchase.schemas.ts';
import { RefundRequestSchema } from '../../functions/refunds/refund.schemas.ts';
import { ROUTES } from '../../functions/routes.ts';
import { CUSTOMER_SNAPSHOT, productSnapshot } from '../support/fixtures.ts';
import { answerSchemas, type OpenApiDocument } from '../support/openapi-answers.ts';

type Operation = {
  operationId: string;
  security?: unknown[];
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
};

const SITE = {
  serverUrl: 'https://api.example.test',
  tokenUrl: 'https://auth.example.test/oauth2/token',
  authorizationUrl: 'https://auth.example.test/oauth2/authorize',
};
const document = openApiDocument(SITE);
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

  it('names the OAuth 2.0 flows at the site it is served for, and who may call each operation', () => {
    expect(document.servers).toEqual([{ url: SITE.serverUrl, description: expect.any(String) }]);
    expect(document.security).toBeUndefined();
    expect(document.components).toMatchObject({
      securitySchemes: {
        [MACHINE_SCHEME]: {
          type: 'oauth2',
          flows: {
            clientCredentials: {
              tokenUrl: SITE.tokenUrl,
              scopes: { 'purchase-api/service': expect.any(String) },
            },
          },
        },
        [USER_SCHEME]: {
          type: 'oauth2',
          flows: {
            authorizationCode: { authorizationUrl: SITE.authorizationUrl, tokenUrl: SITE.tokenUrl },
          },
        },
      },
    });
    for (const route of documentedRoutes) {
      const operation = operationOf(route.operationId);
      if (route.access === 'public') {
        expect(operation.security).toEqual([]);
        expect(operation.responses['401']).toBeUndefined();
      } else {
        expect(operation.security).toContainEqual({ [MACHINE_SCHEME]: ['purchase-api/admin'] });
        expect(operation.security).toContainEqual({ [USER_SCHEME]: ['openid', 'profile'] });
        expect(operation.responses['401']).toBeDefined();
        expect(operation.responses['403']).toBeDefined();
      }
    }
    expect(operationOf('CreatePurchase').security).toEqual([
      { [MACHINE_SCHEME]: ['purchase-api/service'] },
      { [MACHINE_SCHEME]: ['purchase-api/admin'] },
      { [USER_SCHEME]: ['openid', 'profile'] },
    ]);
    expect(operationOf('GetPurchase').security).toHaveLength(5);
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
    expect(validate('GetPurchase', '404', error('CUSTOMER_NOT_FOUND', { customerId: 'c' }))).toBe(false);
    expect(validate('GrantCredit', '400', error('VALIDATION_FAILED', [{ path: 'body', message: 'm' }]))).toBe(
      true,
    );
    expect(validate('GrantCredit', '400', { message: 'Bad Request' })).toBe(false);
    expect(validate('CreatePurchase', '502', error('SHIPMENT_FAILED', { purchaseId: 'p' }))).toBe(true);
    expect(validate('GrantCredit', '409', error('REQUEST_IN_PROGRESS'))).toBe(true);
    expect(
      validate(
        'DeductCredit',
        '422',
        error('INSUFFICIENT_CREDIT', { customerId: 'c', availableCents: 1, requestedCents: 2 }),
      ),
    ).toBe(true);
    // Details are typed per code: what INSUFFICIENT_CREDIT always says must be there.
    expect(validate('DeductCredit', '422', error('INSUFFICIENT_CREDIT'))).toBe(false);
    expect(
      validate('CreatePurchase', '422', error('PROMO_CODE_INVALID', { promoCode: 'X', reason: 'UNKNOWN' })),
    ).toBe(true);
    expect(
      validate('CreatePurchase', '422', error('PROMO_CODE_INVALID', { promoCode: 'X', reason: 'NOPE' })),
    ).toBe(false);
    expect(
      validate('CreatePurchase', '403', error('FORBIDDEN', { roles: ['viewer'], lacks: 'purchase' })),
    ).toBe(true);
    expect(validate('CreatePurchase', '403', error('FORBIDDEN', { roles: ['viewer'] }))).toBe(false);
    expect(schemas.validatorFor('/v1/audit', 'get', 409)).toBeUndefined();
    expect(
      validate('GrantCredit', '415', error('UNSUPPORTED_MEDIA_TYPE', { supported: ['application/json'] })),
    ).toBe(true);
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
      lots: [],
      nextExpiry: null,
      updatedAt: '2025-01-01T00:00:00.000Z',
    };

    expect(validate(credit)).toBe(true);
    expect(validate({ ...credit, secret: 'x' })).toBe(false);
    expect(validate({ ...credit, balanceCents: 0.5 })).toBe(false);
    expect(validate({ ...credit, updatedAt: 'yesterday' })).toBe(false);
  });
});

describe("the audit record's images, typed per entity type", () => {
  const schemas = answerSchemas(document as OpenApiDocument);
  const validate = (record: unknown): boolean =>
    schemas.validatorFor('/v1/audit', 'get', 200)?.({ items: [record], nextCursor: null }) as boolean;
  const purchase: Purchase = {
    id: '01JPURCHASE',
    customerId: 'c1',
    productId: 'p1',
    sku: 'SKU-1',
    quantity: 2,
    unitPriceCents: 500,
    subtotalCents: 1000,
    discountCents: 0,
    totalCents: 1000,
    refundedCents: 0,
    refundableCents: 1000,
    status: 'COMPLETED',
    shipmentId: 's1',
    product: productSnapshot(500),
    customer: CUSTOMER_SNAPSHOT,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
  const created = auditEntryFor({
    eventId: 'e1',
    sequenceNumber: '1',
    kind: 'INSERT',
    before: undefined,
    after: purchaseItem(purchase, 'storefront', []),
    observedAt: '2026-01-01T00:00:00Z',
  });
  const refunded = {
    ...created,
    id: 'e2',
    action: 'UPDATED',
    before: { refundedCents: 0, status: 'COMPLETED' },
    after: { refundedCents: 400, status: 'PARTIALLY_REFUNDED' },
    sequence: 2,
  };

  it("documents a purchase's creation as the repository stores it, and an update by its changed fields", () => {
    expect(created).toMatchObject({ entityType: 'PURCHASE', action: 'CREATED', before: null });
    expect(validate(created)).toBe(true);
    expect(validate(refunded)).toBe(true);
    // Attributes a schema does not name (written by another version) stay in the record.
    expect(validate({ ...created, after: { ...created?.after, sku: 'SKU-1' } })).toBe(true);
  });

  it('refuses an image that is not its entity type: a field missing from a creation, a field of the wrong type', () => {
    const { totalCents: _total, ...withoutTotal } = created?.after ?? {};

    expect(validate({ ...created, after: withoutTotal })).toBe(false);
    expect(validate({ ...refunded, after: { refundedCents: '400' } })).toBe(false);
    expect(validate({ ...refunded, entityType: 'PROMO_CODE', after: { active: 'no' } })).toBe(false);
    expect(validate({ ...created, before: {} })).toBe(false);
  });
});

describe('the request rules, as the document states them', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, discriminator: true });
  addFormats.default(ajv);
  const schemas = (document.components as { schemas: Record<string, object> }).schemas;
  const documented = (name: string) => ajv.compile(schemas[name] ?? {});
  const agree = (
    name: string,
    zod: { safeParse(value: unknown): { success: boolean } },
    cases: unknown[],
  ) => {
    const validate = documented(name);
    for (const body of cases)
      expect([name, body, validate(body)]).toEqual([name, body, zod.safeParse(body).success]);
  };
  const at = (day: number) => `2030-01-0${day}T00:00:00.000Z`;

  it('refuses what the service refuses, and takes what it takes (JSON Schema can say it)', () => {
    agree('RefundRequest', RefundRequestSchema, [
      { reason: 'r' },
      { reason: 'r', amountCents: 5 },
      { reason: 'r', quantity: 1 },
      { reason: 'r', amountCents: 5, quantity: 1 },
    ]);
    agree('UpdatePromoCodeRequest', UpdatePromoCodeRequestSchema, [
      {},
      { active: false },
      { validUntil: at(2) },
      { maxRedemptions: 3, active: true },
      { other: 1 },
    ]);
    agree('CreatePromoCodeRequest', CreatePromoCodeRequestSchema, [
      { code: 'TEN', kind: 'PERCENT', percentOff: 10 },
      { code: 'TEN', kind: 'PERCENT' },
      { code: 'TEN', kind: 'PERCENT', percentOff: 10, amountOffCents: 100 },
      { code: 'TEN', kind: 'FIXED', amountOffCents: 100 },
      { code: 'TEN', kind: 'FIXED', amountOffCents: 100, percentOff: 10 },
      { code: 'TEN', kind: 'FIXED' },
      { code: 'TEN', kind: 'OTHER', amountOffCents: 100 },
      { code: 'TEN', kind: 'FIXED', amountOffCents: 100, validFrom: at(1), validUntil: at(2) },
    ]);
    agree('CreatePurchaseRequest', CreatePurchaseRequestSchema, [
      { customerId: 'c', productId: 'p' },
      { customerId: 'c', productId: 'p', quantity: 2 },
      { customerId: 'c', productId: 'p', quantity: 0 },
    ]);
  });

  it('says in words the rules JSON Schema cannot: validUntil after validFrom, entityId with entityType', () => {
    const late = { code: 'TEN', kind: 'FIXED', amountOffCents: 1, validFrom: at(2), validUntil: at(1) };
    const audit = operationOf('ListAudit').parameters as { name: string; description?: string }[];

    expect(CreatePromoCodeRequestSchema.safeParse(late).success).toBe(false);
    expect(JSON.stringify(schemas.CreatePromoCodeRequest)).toContain(
      'validUntil, when given with validFrom, must be after it',
    );
    expect(audit.find((parameter) => parameter.name === 'entityId')?.description).toContain(
      'needs entityType',
    );
  });

  it('describes every query parameter', () => {
    const query = operations.flatMap(({ operation }) =>
      (operation.parameters ?? []).filter((p) => p.in === 'query'),
    );

    expect(query.length).toBeGreaterThan(8);
    for (const parameter of query)
      expect([parameter.name, (parameter as { description?: string }).description]).toEqual([
        parameter.name,
        expect.any(String),
      ]);
  });

  it('says a request default in words, so that generators leave the field optional', () => {
    const quantity = (
      schemas.CreatePurchaseRequest as { properties: Record<string, Record<string, unknown>> }
    ).properties.quantity;

    expect(quantity?.default).toBeUndefined();
    expect(quantity?.description).toBe('Default: 1.');
    expect(CreatePurchaseRequestSchema.parse({ customerId: 'c', productId: 'p' }).quantity).toBe(1);
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

import type * as z from 'zod';
import type { ErrorCode } from '#shared/errors.ts';
import { MAX_BODY_BYTES } from '#shared/http/middleware/parse-request.ts';
import { STATUS_BY_CODE } from '#shared/http/status-by-code.ts';
import {
  GROUPS_CLAIM,
  PERMISSIONS,
  type Permission,
  ROLE_PERMISSIONS,
  ROLES,
  roleScope,
} from '../auth/roles.ts';
import { ROUTES } from '../routes.ts';
import { errorAnswerSchema } from './answer.schemas.ts';
import { COMPONENT_PREFIX, type Io, type JsonSchema, render, renderComponents } from './json-schema.ts';
import {
  ANSWER_COMPONENTS,
  type DocumentedRoute,
  OPERATIONS,
  type OperationDoc,
  REQUEST_COMPONENTS,
  TAGS,
} from './operations.ts';

export const OPENAPI_VERSION = '3.1.1';
const SECURITY_SCHEME = 'bearerAuth';
const ERROR_COMPONENT = 'ErrorAnswer';
const ALL_ERROR_CODES = Object.keys(STATUS_BY_CODE) as [ErrorCode, ...ErrorCode[]];

/** What every route can answer: validation (a body where none is taken), size, throttle, overload, bugs. */
const COMMON_ERRORS: readonly ErrorCode[] = [
  'VALIDATION_FAILED',
  'PAYLOAD_TOO_LARGE',
  'THROTTLED',
  'SERVICE_UNAVAILABLE',
  'INTERNAL',
];

/** The contract's table of statuses, in words. */
const STATUS_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'The request itself is wrong',
  401: 'No bearer token, or one that does not verify',
  403: "The token's roles may not do this",
  404: 'Not found',
  409: 'A concurrent change won, or the same Idempotency-Key is still running; a retry may succeed',
  413: `The body is over ${MAX_BODY_BYTES / 1024} KiB`,
  415: 'The body is not sent as application/json',
  422: 'A business rule says no',
  429: 'The caller sent more than its rate allows; Retry-After says when to come back',
  500: 'A bug (never carries internals)',
  502: 'An external API failed or answered nonsense',
  503: 'Overloaded, or a dependency is down; Retry-After is set, and retrying (with the same Idempotency-Key) is safe',
  504: 'An external API did not answer in time',
};

type Document = Record<string, unknown> & { paths: Record<string, Record<string, unknown>> };

let built: Document | undefined;

/**
 * The OpenAPI 3.1 document of the route table, generated from the zod schemas the routes validate
 * with and the answers' schemas (operations.ts). Built once per process: it depends on code only.
 */
export function openApiDocument(): Document {
  built ??= buildDocument();
  return built;
}

function buildDocument(): Document {
  const answers = renderComponents(
    new Map([...ANSWER_COMPONENTS, [ERROR_COMPONENT, errorAnswerSchema(ALL_ERROR_CODES)]]),
    'output',
  );
  const requests = renderComponents(REQUEST_COMPONENTS, 'input');
  const schemaOf = referrer(answers, requests);
  const paths: Document['paths'] = {};
  for (const route of ROUTES) {
    if (route.path === '$default') continue;
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = operation(
      route,
      OPERATIONS[route.operationId],
      schemaOf,
    );
  }
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: 'Purchase service',
      version: '1',
      description:
        'Customer credit, purchases paid with it, refunds and the audit trail. Money is always an integer ' +
        'number of US cents. Every error answer has the shape `{ "error": { code, message, details, requestId } }`.',
    },
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    security: [{ [SECURITY_SCHEME]: [] }],
    paths,
    components: {
      securitySchemes: {
        [SECURITY_SCHEME]: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'An access token from the trusted OpenID Connect issuer. Its roles are the groups in the ' +
            `\`${GROUPS_CLAIM}\` claim and the roles its scopes name (\`${roleScope('viewer')}\`, ...). ` +
            rolesSentence(),
        },
      },
      headers: {
        'X-Request-Id': {
          description: "The request's id (also in an error's `requestId`)",
          schema: { type: 'string' },
        },
        'Retry-After': {
          description: 'Seconds to wait before trying again',
          schema: { type: 'integer', minimum: 1 },
        },
        'WWW-Authenticate': { description: 'The scheme wanted: `Bearer`', schema: { type: 'string' } },
      },
      schemas: { ...answers, ...requests },
    },
  };
}

/** `$ref` to a named schema, or the schema inline. */
function referrer(
  answers: Record<string, JsonSchema>,
  requests: Record<string, JsonSchema>,
): (schema: z.ZodType, io: Io) => JsonSchema {
  const names = { output: new Map<z.ZodType, string>(), input: new Map<z.ZodType, string>() };
  for (const [name, schema] of ANSWER_COMPONENTS) if (name in answers) names.output.set(schema, name);
  for (const [name, schema] of REQUEST_COMPONENTS) if (name in requests) names.input.set(schema, name);
  return (schema, io) => {
    const name = names[io].get(schema);
    return name === undefined ? render(schema, io) : { $ref: `${COMPONENT_PREFIX}${name}` };
  };
}

function operation(
  route: DocumentedRoute,
  doc: OperationDoc,
  schemaOf: (schema: z.ZodType, io: Io) => JsonSchema,
): Record<string, unknown> {
  const parameters = [
    ...pathParameters(route, doc),
    ...(doc.query ? objectParameters(doc.query, 'query') : []),
    ...(doc.idempotent
      ? [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description:
              'The same key with the same body answers the first answer again and changes nothing more.',
            // The idempotency middleware's check (shared/http/middleware/idempotency.ts).
            schema: { type: 'string', minLength: 1, maxLength: 255 },
          },
        ]
      : []),
  ];
  const access = route.access;
  return {
    operationId: route.operationId,
    summary: doc.summary,
    description: [doc.description, accessSentence(access)].filter(Boolean).join('\n\n'),
    tags: [doc.tag],
    ...(access === 'public' ? { security: [] } : {}),
    'x-access': access,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(doc.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schemaOf(doc.body, 'input') } },
          },
        }
      : {}),
    responses: { ...success(doc, schemaOf), ...errorResponses(route, doc) },
  };
}

function success(
  doc: OperationDoc,
  schemaOf: (schema: z.ZodType, io: Io) => JsonSchema,
): Record<string, unknown> {
  const { success: answer } = doc;
  const content =
    'schema' in answer
      ? { 'application/json': { schema: schemaOf(answer.schema, 'output') } }
      : Object.fromEntries(
          answer.contentTypes.map((type) => [
            type,
            { schema: { type: type === 'application/json' ? 'object' : 'string' } },
          ]),
        );
  return { [answer.status]: { description: answer.description, headers: requestIdHeader(), content } };
}

/** One answer per status the route can give, each listing exactly the codes it can carry. */
function errorResponses(route: DocumentedRoute, doc: OperationDoc): Record<string, unknown> {
  const codes = new Set<ErrorCode>([
    ...COMMON_ERRORS,
    ...(doc.body ? (['MALFORMED_JSON', 'UNSUPPORTED_MEDIA_TYPE'] as const) : []),
    ...(route.access === 'public' ? [] : (['UNAUTHENTICATED'] as const)),
    ...(isPermission(route.access) ? (['FORBIDDEN'] as const) : []),
    ...(doc.idempotent ? (['REQUEST_IN_PROGRESS', 'IDEMPOTENCY_KEY_REUSED'] as const) : []),
    ...(doc.errors ?? []),
  ]);
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = STATUS_BY_CODE[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, unknown> = {};
  for (const status of [...byStatus.keys()].sort((a, b) => a - b)) {
    const [first, ...rest] = byStatus.get(status) ?? [];
    if (first === undefined) continue;
    responses[status] = {
      description: `${STATUS_DESCRIPTIONS[status] ?? 'Error'}: ${[first, ...rest].join(', ')}`,
      headers: {
        ...requestIdHeader(),
        ...(status === 429 || status === 503
          ? { 'Retry-After': { $ref: '#/components/headers/Retry-After' } }
          : {}),
        ...(status === 401 ? { 'WWW-Authenticate': { $ref: '#/components/headers/WWW-Authenticate' } } : {}),
      },
      content: { 'application/json': { schema: errorAnswerWith([first, ...rest]) } },
    };
  }
  return responses;
}

/** The error shape (a component), its `code` narrowed to what this status of this route carries. */
const errorAnswerWith = (codes: readonly ErrorCode[]): JsonSchema => ({
  allOf: [
    { $ref: `${COMPONENT_PREFIX}${ERROR_COMPONENT}` },
    { type: 'object', properties: { error: { type: 'object', properties: { code: { enum: codes } } } } },
  ],
});

const requestIdHeader = (): Record<string, unknown> => ({
  'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' },
});

/** Path parameters, which must be exactly the path template's `{names}`. */
function pathParameters(route: DocumentedRoute, doc: OperationDoc): Record<string, unknown>[] {
  const inPath = [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]).sort();
  const parameters = doc.params ? objectParameters(doc.params, 'path') : [];
  const documented = parameters.map((parameter) => parameter.name).sort();
  if (inPath.join() !== documented.join()) {
    throw new Error(
      `${route.operationId}: path ${route.path} has {${inPath}}, its params schema {${documented}}`,
    );
  }
  return parameters;
}

/** An object schema's properties, as parameters `in` the path or the query. */
function objectParameters(
  schema: z.ZodType,
  where: 'path' | 'query',
): (Record<string, unknown> & { name: string })[] {
  const json = render(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: property,
  }));
}

const isPermission = (access: string): access is Permission =>
  (PERMISSIONS as readonly string[]).includes(access);

function accessSentence(access: DocumentedRoute['access']): string {
  if (access === 'public') return 'Open: no token needed.';
  if (!isPermission(access)) return 'Needs a valid token.';
  const roles = ROLES.filter((role) => ROLE_PERMISSIONS[role].includes(access));
  return `Needs the \`${access}\` permission: role ${roles.map((role) => `\`${role}\``).join(', ')}.`;
}

function rolesSentence(): string {
  return `Roles: ${ROLES.map((role) => `\`${role}\` (${ROLE_PERMISSIONS[role].join(', ')})`).join('; ')}.`;
}

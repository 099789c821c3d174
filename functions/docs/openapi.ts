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
import { errorAnswerOf, errorAnswerSchema } from './answer.schemas.ts';
import {
  COMPONENT_PREFIX,
  defaultsInDescriptions,
  type Io,
  type JsonSchema,
  render,
  renderComponents,
} from './json-schema.ts';
import {
  ANSWER_COMPONENTS,
  type DocumentedRoute,
  OPERATIONS,
  type OperationDoc,
  REQUEST_COMPONENTS,
  TAGS,
} from './operations.ts';

export const OPENAPI_VERSION = '3.1.1';
/** Machine clients (the storefront's backend): client credentials, a role per scope. */
export const MACHINE_SCHEME = 'clientCredentials';
/** People, through the admin app: authorization code with PKCE, roles as groups. */
export const USER_SCHEME = 'adminApp';
/** What the admin app asks for; a user's roles are their groups, never scopes they ask for. */
const USER_SCOPES = { openid: 'Sign in', profile: "The user's name" } as const;
const ERROR_COMPONENT = 'ErrorAnswer';
/** `InsufficientCreditError` for INSUFFICIENT_CREDIT: the error answer of one code, its details typed. */
const errorComponentOf = (code: ErrorCode): string =>
  `${code
    .toLowerCase()
    .split('_')
    .map((word) => `${word.charAt(0).toUpperCase()}${word.slice(1)}`)
    .join('')}Error`;
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

/** Where a document is served, which the code alone does not know. */
export interface DocumentSite {
  /** The API's base URL: the origin (and stage path) the document was fetched from. */
  serverUrl: string;
  /** The OAuth 2.0 token endpoint: the local issuer's, or the Cognito domain's `/oauth2/token`. */
  tokenUrl: string;
  /** The OAuth 2.0 authorization endpoint (the admin app's sign-in). */
  authorizationUrl: string;
}

let built: Document | undefined;

/**
 * The OpenAPI 3.1 document of the route table, generated from the zod schemas the routes validate
 * with and the answers' schemas (operations.ts), for the API served at `site`. All but the site's
 * URLs depends on code only, and is built once per process.
 */
export function openApiDocument(site: DocumentSite): Document {
  built ??= buildDocument();
  const { openapi, info, components, ...rest } = built;
  return {
    openapi,
    info,
    servers: [{ url: site.serverUrl, description: 'This API, where this document was served from' }],
    ...rest,
    components: { securitySchemes: securitySchemes(site), ...(components as Record<string, unknown>) },
  };
}

function securitySchemes(site: DocumentSite): Record<string, unknown> {
  const roleScopes = Object.fromEntries(
    ROLES.map((role) => [roleScope(role), `The \`${role}\` role: ${ROLE_PERMISSIONS[role].join(', ')}`]),
  );
  return {
    [MACHINE_SCHEME]: {
      type: 'oauth2',
      description:
        'Machine clients (a storefront backend): the client-credentials grant, with the client id and ' +
        'secret in HTTP Basic. The role is the scope the client is allowed (`' +
        `${roleScope('service')}\` for a storefront). ${rolesSentence()}`,
      flows: { clientCredentials: { tokenUrl: site.tokenUrl, scopes: roleScopes } },
    },
    [USER_SCHEME]: {
      type: 'oauth2',
      description:
        'People, through the admin app: the authorization-code grant with PKCE (S256; a public client, ' +
        `no secret). A user's roles are the groups in the access token's \`${GROUPS_CLAIM}\` claim, set by ` +
        'an administrator, never scopes the app asks for; each operation says which roles may call it.',
      flows: {
        authorizationCode: {
          authorizationUrl: site.authorizationUrl,
          tokenUrl: site.tokenUrl,
          scopes: USER_SCOPES,
        },
      },
    },
  };
}

function buildDocument(): Document {
  const answers = renderComponents(
    new Map([
      ...ANSWER_COMPONENTS,
      [ERROR_COMPONENT, errorAnswerSchema(ALL_ERROR_CODES)],
      ...ALL_ERROR_CODES.map((code) => [errorComponentOf(code), errorAnswerOf(code)] as const),
    ]),
    'output',
  );
  const requests = Object.fromEntries(
    Object.entries(renderComponents(REQUEST_COMPONENTS, 'input')).map(([name, schema]) => [
      name,
      defaultsInDescriptions(schema),
    ]),
  );
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
    paths,
    components: {
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
    security: securityOf(access),
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
    const [first, ...rest] = (byStatus.get(status) ?? []).sort();
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

/**
 * The error answers of the codes this status of this route carries, each with its details typed: one
 * component, or a `oneOf` of them (their codes differ, so exactly one matches), on which a generated
 * client narrows by `error.code`.
 */
function errorAnswerWith(codes: readonly [ErrorCode, ...ErrorCode[]]): JsonSchema {
  const refs = codes.map((code) => ({ $ref: `${COMPONENT_PREFIX}${errorComponentOf(code)}` }));
  return refs.length === 1 ? (refs[0] as JsonSchema) : { oneOf: refs };
}

/**
 * Who may call an operation, as alternatives (any one will do): a machine client with the scope of
 * a role that may, or a user of the admin app whose groups hold such a role (the description names them).
 */
function securityOf(access: DocumentedRoute['access']): Record<string, string[]>[] {
  if (access === 'public') return [];
  const roles = isPermission(access)
    ? ROLES.filter((role) => ROLE_PERMISSIONS[role].includes(access))
    : ROLES;
  return [
    ...roles.map((role) => ({ [MACHINE_SCHEME]: [roleScope(role)] })),
    { [USER_SCHEME]: Object.keys(USER_SCOPES) },
  ];
}

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
  return Object.entries(properties).map(([name, { description, ...property }]) => ({
    name,
    in: where,
    ...(typeof description === 'string' ? { description } : {}),
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

import type { MiddlewareObj } from '@middy/core';
import type * as z from 'zod';
import { AppError, ValidationError } from '../../errors.ts';
import { apiUrlOf, type RouteEvent } from '../request.ts';
import type { HttpResponse } from '../responses.ts';

export const MAX_BODY_BYTES = 64 * 1024;
/** The one media type the contract takes a body in. */
const JSON_MEDIA_TYPE = 'application/json';

export interface RequestSchemas {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
}

/** The actor of a public route's request, which has no token (public routes change nothing). */
const ANONYMOUS = 'anonymous';

/**
 * Size, media type, JSON and schema checks for every route, before anything else happens: a request that fails
 * here changes nothing. Field paths in errors say where: `body.amountCents`, `query.limit`.
 */
export function parseRequest(schemas: RequestSchemas): MiddlewareObj<RouteEvent, HttpResponse> {
  return {
    before: (request) => {
      const { event } = request;
      const body = readBody(event, schemas.body !== undefined);
      const issues: { path: string; message: string }[] = [];
      const check = (where: string, schema: z.ZodType | undefined, value: unknown): unknown => {
        if (!schema) return undefined;
        const result = schema.safeParse(value);
        if (result.success) return result.data;
        for (const issue of result.error.issues) {
          const at = [where, ...issue.path.map(String)];
          // An unknown field is named by its own path, as every other field is.
          if (issue.code === 'unrecognized_keys') {
            for (const key of issue.keys)
              issues.push({ path: [...at, key].join('.'), message: 'is not a field of this request' });
          } else {
            issues.push({ path: at.join('.'), message: issue.message });
          }
        }
        return undefined;
      };
      const params = check('params', schemas.params, event.pathParameters ?? {});
      const query = check('query', schemas.query, event.queryStringParameters ?? {});
      const parsedBody = check('body', schemas.body, body);

      if (issues.length > 0) throw new ValidationError(issues);

      event.parsed = {
        params,
        query,
        body: parsedBody,
        // Only ever the verified token's subject: no header can name the actor.
        actor: event.caller?.subject ?? ANONYMOUS,
        requestId: event.requestContext.requestId,
        apiUrl: apiUrlOf(event),
      };
    },
  };
}

function readBody(event: RouteEvent, expectsBody: boolean): unknown {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) {
    throw new AppError('PAYLOAD_TOO_LARGE', `The body may be at most ${MAX_BODY_BYTES} bytes.`, {
      maxBytes: MAX_BODY_BYTES,
    });
  }
  if (!expectsBody) {
    if (bytes.length > 0) throw new ValidationError([{ path: 'body', message: 'this route takes no body' }]);
    return undefined;
  }
  if (!isJson(event.headers?.['content-type'])) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `The body must be sent as ${JSON_MEDIA_TYPE}.`, {
      supported: [JSON_MEDIA_TYPE],
    });
  }
  if (bytes.length === 0) throw new AppError('MALFORMED_JSON', 'The body must be a JSON document.');
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new AppError('MALFORMED_JSON', 'The body is not valid JSON.');
  }
}

/**
 * Whether a Content-Type says JSON: `application/json` in any case, its only charset UTF-8 (the one
 * JSON has, RFC 8259, and the one the body is read in). No Content-Type is not JSON: RFC 9110 lets a
 * server take an untyped body as application/octet-stream, and a client that names no type is not
 * following the contract; one rule for every body keeps a single way in.
 */
function isJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const [mediaType, ...parameters] = contentType.split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== JSON_MEDIA_TYPE) return false;
  return parameters.every((parameter) => {
    const [name = '', value = ''] = parameter.split('=').map((part) => part.trim());
    return name !== 'charset' || value.replace(/^"(.*)"$/, '$1') === 'utf-8';
  });
}

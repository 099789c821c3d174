import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  [key: string]: unknown;
}

/** The document's answer schemas, checked as JSON Schema 2020-12 (OpenAPI 3.1's dialect). */
export interface AnswerSchemas {
  /**
   * The documented path template and method a request went to, or undefined for a path or method
   * the document does not list. Literal segments win over `{parameters}`, as in API Gateway.
   */
  operationOf(method: string, path: string): { template: string; method: string } | undefined;
  /** The JSON schema of that operation's answer with `status`, or undefined if none is documented. */
  validatorFor(template: string, method: string, status: number): ValidateFunction | undefined;
  /** The media types documented for that answer (none: the status is not documented). */
  mediaTypesFor(template: string, method: string, status: number): string[];
  /** The contract's error shape, whatever the route. */
  errorValidator: ValidateFunction;
}

const pointer = (...segments: string[]): string =>
  segments.map((segment) => segment.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

export function answerSchemas(document: OpenApiDocument, options: { strict?: boolean } = {}): AnswerSchemas {
  // Strict: a keyword the dialect does not know is an error, not silently ignored.
  const ajv = new Ajv2020({ allErrors: true, strict: options.strict ?? true, strictRequired: false });
  addFormats.default(ajv);
  // The schemas refer to `#/components/schemas/...`: they are compiled where they stand in the document.
  ajv.addSchema(document, 'openapi.json', undefined, false);
  ajv
    .addKeyword('openapi')
    .addKeyword('info')
    .addKeyword('servers')
    .addKeyword('tags')
    .addKeyword('security');
  ajv.addKeyword('paths').addKeyword('components');
  const templates = Object.keys(document.paths).map((template) => ({
    template,
    segments: template.split('/'),
  }));

  const matches = (segments: string[], path: string[]): boolean =>
    segments.length === path.length &&
    segments.every((segment, index) =>
      segment.startsWith('{') ? (path[index] ?? '') !== '' : segment === path[index],
    );
  const literalCount = (segments: string[]): number => segments.filter((s) => !s.startsWith('{')).length;

  return {
    operationOf(method, path) {
      const segments = (path.split('?')[0] ?? '').split('/');
      const candidates = templates
        .filter((candidate) => matches(candidate.segments, segments))
        .filter((candidate) => document.paths[candidate.template]?.[method.toLowerCase()] !== undefined)
        .sort((a, b) => literalCount(b.segments) - literalCount(a.segments));
      const found = candidates[0];
      return found && { template: found.template, method: method.toLowerCase() };
    },
    validatorFor(template, method, status) {
      const content = document.paths[template]?.[method]?.responses?.[String(status)]?.content;
      if (content?.['application/json']?.schema === undefined) return undefined;
      const ref = `openapi.json#/${pointer('paths', template, method, 'responses', String(status), 'content', 'application/json', 'schema')}`;
      return ajv.getSchema(ref);
    },
    mediaTypesFor(template, method, status) {
      return Object.keys(document.paths[template]?.[method]?.responses?.[String(status)]?.content ?? {});
    },
    errorValidator: ajv.compile({ $ref: 'openapi.json#/components/schemas/ErrorAnswer' }),
  };
}

export const describeErrors = (errors: ErrorObject[] | null | undefined): string =>
  (errors ?? [])
    .map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`)
    .join('; ');

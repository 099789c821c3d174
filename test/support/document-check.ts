import type { Middleware } from 'openapi-fetch';
import {
  type AnswerSchemas,
  answerSchemas,
  describeErrors,
  type OpenApiDocument,
} from './openapi-answers.ts';
import { stackUrls } from './stack.ts';

export const JSON_MEDIA_TYPE = 'application/json';
let schemas: Promise<AnswerSchemas> | undefined;

/** The document the service serves, fetched once per test file. */
function documentedAnswers(): Promise<AnswerSchemas> {
  schemas ??= fetch(`${stackUrls().apiUrl}/openapi.json`).then(async (response) => {
    if (response.status !== 200) throw new Error(`GET /openapi.json: HTTP ${response.status}`);
    return answerSchemas((await response.json()) as OpenApiDocument);
  });
  return schemas;
}

/** An answer's media type (JSON when it names none) and its body: parsed JSON, else the text as it is. */
export async function bodyOf(response: Response): Promise<{ mediaType: string; body: unknown }> {
  const text = await response.text();
  const mediaType = (response.headers.get('content-type') ?? JSON_MEDIA_TYPE).split(';')[0]?.trim() ?? '';
  // JSON unless the answer says otherwise (the docs page and its files): then the text as it is.
  const body: unknown = mediaType === JSON_MEDIA_TYPE ? (text ? JSON.parse(text) : undefined) : text;
  return { mediaType, body };
}

/**
 * Every answer must be what the document says: a documented route's answer has a media type the
 * document lists for its status (a status it does not list fails), and a JSON one matches that
 * status's schema; any other path's answer (the catch-all 404, a 401) has the contract's error shape.
 * @throws Error naming the request, the status and the schema's complaints
 */
export async function checkAgainstDocument(
  request: { method: string; path: string },
  answer: { status: number; mediaType: string; body: unknown },
): Promise<void> {
  const { method, path } = request;
  const documented = await documentedAnswers();
  const operation = documented.operationOf(method, path);
  const what = operation
    ? `${operation.method.toUpperCase()} ${operation.template}`
    : 'an undocumented route';
  const fail = (why: string): Error => new Error(`${method} ${path} answered ${answer.status}: ${why}`);
  if (operation) {
    const mediaTypes = documented.mediaTypesFor(operation.template, operation.method, answer.status);
    if (mediaTypes.length === 0) throw fail(`a status ${what} does not document`);
    if (!mediaTypes.includes(answer.mediaType)) {
      throw fail(`${answer.mediaType}, where ${what} documents ${mediaTypes.join(', ')}`);
    }
    if (answer.mediaType !== JSON_MEDIA_TYPE) return;
  }
  const validate = operation
    ? documented.validatorFor(operation.template, operation.method, answer.status)
    : documented.errorValidator;
  if (validate && !validate(answer.body)) {
    throw fail(
      `unlike ${what} documents it: ${describeErrors(validate.errors)}\n${JSON.stringify(answer.body).slice(0, 2_000)}`,
    );
  }
}

/**
 * The typed client's check of every answer against the document (`checkAgainstDocument`): the
 * generated types say what the document says, and this proves the service answers that.
 */
export const checkedAgainstDocument: Middleware = {
  async onResponse({ request, response }) {
    const { pathname, search } = new URL(request.url);
    // The document's paths start after the API's base URL (which may have a stage path).
    const base = new URL(stackUrls().apiUrl).pathname.replace(/\/$/, '');
    const answer = { status: response.status, ...(await bodyOf(response.clone())) };
    await checkAgainstDocument(
      { method: request.method, path: `${pathname.slice(base.length)}${search}` },
      answer,
    );
  },
};

import {
  type AnswerSchemas,
  answerSchemas,
  describeErrors,
  type OpenApiDocument,
} from './openapi-answers.ts';
import { stackUrls } from './stack.ts';
import { authorizationFor, type Caller } from './tokens.ts';

export interface ApiAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** Who sends a test's requests unless it says otherwise: an admin may do everything. */
export const TEST_ADMIN: Caller = { role: 'admin', sub: 'test-admin' };

export interface RequestOptions {
  body?: unknown;
  rawBody?: string;
  /** The request's Content-Type: application/json unless given; `null` sends none. */
  contentType?: string | null;
  headers?: Record<string, string>;
  /** Whose token goes with it (TEST_ADMIN unless given); `null` sends none. An `authorization` header wins. */
  as?: Caller | null;
  /**
   * Skips the check of the answer against the OpenAPI document. Only for answers that are not the
   * service's: API Gateway's own (a body over its 10 MB limit, a Lambda that timed out).
   */
  unvalidated?: 'gateway-answer';
}

const JSON_MEDIA_TYPE = 'application/json';
let schemas: Promise<AnswerSchemas> | undefined;

/** The document the service serves, fetched once per test file. */
function documentedAnswers(): Promise<AnswerSchemas> {
  schemas ??= fetch(`${stackUrls().apiUrl}/openapi.json`).then(async (response) => {
    if (response.status !== 200) throw new Error(`GET /openapi.json: HTTP ${response.status}`);
    return answerSchemas((await response.json()) as OpenApiDocument);
  });
  return schemas;
}

/**
 * Every answer must be what the document says: a documented route's answer has a media type the
 * document lists for its status (a status it does not list fails), and a JSON one matches that
 * status's schema; any other path's answer (the catch-all 404, a 401) has the contract's error shape.
 * @throws Error naming the request, the status and the schema's complaints
 */
async function checkAgainstDocument(
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
 * A client written from the contract: JSON in and out, nothing of the service's code. Every answer
 * is checked against the OpenAPI document the service serves (`checkAgainstDocument`).
 */
export async function api<T = Record<string, unknown>>(
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<ApiAnswer<T>> {
  const rawBody = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const caller = options.as === undefined ? TEST_ADMIN : options.as;
  const contentType = options.contentType === undefined ? JSON_MEDIA_TYPE : options.contentType;
  const response = await fetch(`${stackUrls().apiUrl}${path}`, {
    method,
    headers: {
      ...(contentType === null ? {} : { 'content-type': contentType }),
      ...(caller ? await authorizationFor(caller) : {}),
      ...options.headers,
    },
    // fetch gives a string body a text/plain type of its own; bytes go untyped.
    ...(rawBody === undefined ? {} : { body: contentType === null ? Buffer.from(rawBody) : rawBody }),
  });
  const text = await response.text();
  const mediaType = (response.headers.get('content-type') ?? JSON_MEDIA_TYPE).split(';')[0]?.trim() ?? '';
  // JSON unless the answer says otherwise (the docs page and its files): then the text as it is.
  const body: unknown = mediaType === JSON_MEDIA_TYPE ? (text ? JSON.parse(text) : undefined) : text;
  if (options.unvalidated === undefined) {
    await checkAgainstDocument({ method, path }, { status: response.status, mediaType, body });
  }
  return { status: response.status, headers: response.headers, body: body as T };
}

/** The mock external API's test-only routes. */
export async function mock<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${stackUrls().mockApiUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`mock ${method} ${path}: HTTP ${response.status}`);
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A customer of its own for each test, so runs never share state. */
export async function createCustomer(name = 'Test Customer'): Promise<string> {
  const address = { line1: '1 Test St', city: 'Testville', postalCode: '00001', state: 'TS', country: 'US' };
  const customer = await mock<{ id: string }>('POST', '/customers', {
    name,
    email: 'test@example.com',
    billingAddress: address,
    shippingAddress: address,
  });
  return customer.id;
}

export interface FaultRule {
  operation: 'GetCustomer' | 'GetProduct' | 'CreateShipment';
  kind: 'status' | 'delay' | 'reset' | 'hang' | 'malformed';
  status?: number;
  delayMs?: number;
  count?: number;
}

export const setFaults = (rules: FaultRule[]): Promise<unknown> => mock('PUT', '/__control/faults', rules);

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Credit {
  balanceCents: number;
  availableCents: number;
  heldCents: number;
  /** When it last changed (null before its first change). */
  updatedAt: string | null;
}

export interface Transaction {
  id: string;
  type: string;
  amountCents: number;
  balanceAfterCents: number;
  availableAfterCents: number;
  actor: string;
  purchaseId?: string;
}

export const creditPath = (customerId: string): string => `/v1/customers/${customerId}/credit`;

export const grant = (
  customerId: string,
  amountCents: number,
  headers: Record<string, string> = {},
  as: Caller | null = TEST_ADMIN,
) =>
  api<{ transaction: Transaction; credit: Credit }>('POST', `${creditPath(customerId)}/grants`, {
    body: { amountCents, reason: 'test grant' },
    headers,
    as,
  });

export async function creditOf(customerId: string): Promise<Credit> {
  const answer = await api<Credit>('GET', creditPath(customerId));
  if (answer.status !== 200) throw new Error(`GET credit: HTTP ${answer.status}`);
  return answer.body;
}

/** Every page of a list, followed by its cursors. */
export async function allPages<T>(path: string): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const query: string = cursor ? `${separator}limit=100&cursor=${cursor}` : `${separator}limit=100`;
    const page = await api<Page<T>>('GET', `${path}${query}`);
    if (page.status !== 200) throw new Error(`GET ${path}: HTTP ${page.status}`);
    all.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return all;
}

export const allTransactions = (customerId: string): Promise<Transaction[]> =>
  allPages<Transaction>(`${creditPath(customerId)}/transactions`);

/** A product of its own for each test, priced in dollars as the external API quotes it. */
export async function createProduct(
  price: number,
  name = 'Test Product',
  description = 'for tests',
): Promise<{ id: string; sku: string }> {
  const sku = `SKU-${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
  return mock<{ id: string; sku: string }>('POST', '/products', { sku, name, description, price });
}

export interface CallRecord {
  operation: string;
  idempotencyKey?: string;
  body?: unknown;
  status: number;
  shipmentId?: string;
}

/** The mock's record of the calls the service made to the external API. */
export async function callLog(): Promise<CallRecord[]> {
  return (await mock<{ calls: CallRecord[] }>('GET', '/__control/calls')).calls;
}

/** A customer of its own with `cents` of credit, and a product of its own at `price` dollars. */
export async function customerAndProduct(
  cents: number,
  price: number,
): Promise<{ customerId: string; productId: string; sku: string }> {
  const customerId = await createCustomer();
  if (cents > 0) {
    const granted = await grant(customerId, cents);
    if (granted.status !== 201) throw new Error(`grant: HTTP ${granted.status}`);
  }
  const product = await createProduct(price);
  return { customerId, productId: product.id, sku: product.sku };
}

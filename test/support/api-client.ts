import {
  createPurchaseServiceClient,
  type PurchaseServiceClient,
  type Schemas,
} from '../../clients/typescript/src/index.ts';
import { bodyOf, checkAgainstDocument, checkedAgainstDocument, JSON_MEDIA_TYPE } from './document-check.ts';
import { stackUrls } from './stack.ts';
import { authorizationFor, type Caller, tokenFor } from './tokens.ts';

/**
 * Two ways to call the service, both checked against the OpenAPI document it serves:
 * - `client()`, the typed client the service ships (clients/typescript): requests and answers typed
 *   by the document, so a wrong document breaks the build. Tests that send what the contract allows
 *   use it.
 * - `api()`, raw HTTP: JSON in and out, any path, body, header or media type. Tests that send what
 *   the types would refuse (bad input, forged input, fuzzing) use it.
 */

export interface ApiAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** Who sends a test's requests unless it says otherwise: an admin may do everything. */
export const TEST_ADMIN: Caller = { role: 'admin', sub: 'test-admin' };

const clients = new Map<string, PurchaseServiceClient>();

/**
 * The service's typed client, sending `caller`'s token (TEST_ADMIN unless given; `null`: none).
 * Every answer is checked against the document (`checkedAgainstDocument`).
 */
export function client(caller: Caller | null = TEST_ADMIN): PurchaseServiceClient {
  const key = caller === null ? '' : `${caller.role}\n${caller.sub ?? ''}`;
  let typed = clients.get(key);
  if (!typed) {
    typed = createPurchaseServiceClient({
      baseUrl: stackUrls().apiUrl,
      ...(caller === null ? {} : { accessToken: () => tokenFor(caller) }),
    });
    typed.use(checkedAgainstDocument);
    clients.set(key, typed);
  }
  return typed;
}

/** What the typed client answers: its data, or the error answer's body. */
interface TypedAnswer<Data, Failure> {
  data?: Data;
  error?: Failure;
  response: Response;
}

/**
 * A typed answer's data.
 * @throws Error naming the status and the error when the request failed
 */
export function dataOf<Data, Failure>(answer: TypedAnswer<Data, Failure>): Data {
  if (answer.data === undefined) {
    throw new Error(`HTTP ${answer.response.status}: ${JSON.stringify(answer.error)}`);
  }
  return answer.data;
}

/**
 * A typed answer's error (`{ code, message, details, requestId }`), typed by the codes the document
 * lists for the operation: narrow on `code` to read its details.
 * @throws Error when the request succeeded
 */
export function errorOf<Data, Failure extends { error: unknown }>(
  answer: TypedAnswer<Data, Failure>,
): Failure['error'] {
  if (answer.error === undefined) throw new Error(`HTTP ${answer.response.status}: no error`);
  return answer.error.error;
}

/** A page of a typed list, with the cursor of the next one. */
interface TypedPage<Item> {
  items: Item[];
  nextCursor: string | null;
}

/** Every page of a typed list, from the first, following the cursors. */
export async function everyPage<Item, Failure>(
  read: (page: { limit: number; cursor?: string }) => Promise<TypedAnswer<TypedPage<Item>, Failure>>,
): Promise<Item[]> {
  const all: Item[] = [];
  let cursor: string | null = null;
  do {
    const page: TypedPage<Item> = dataOf(await read({ limit: 100, ...(cursor ? { cursor } : {}) }));
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

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

/**
 * Raw HTTP, written from the contract: JSON in and out, nothing of the service's code. Every answer
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
  const { mediaType, body } = await bodyOf(response);
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

/** A page of any list, for raw requests; the typed client has each list's own. */
export interface Page<T> {
  items: T[];
  nextCursor: Schemas['PurchasePage']['nextCursor'];
}

export type Credit = Schemas['Credit'];
export type Transaction = Schemas['CreditTransaction'];

export const creditPath = (customerId: string): string => `/v1/customers/${customerId}/credit`;

export const grant = (
  customerId: string,
  amountCents: number,
  headers: Record<string, string> = {},
  as: Caller | null = TEST_ADMIN,
) =>
  api<Schemas['CreditChange']>('POST', `${creditPath(customerId)}/grants`, {
    body: { amountCents, reason: 'test grant' },
    headers,
    as,
  });

export async function creditOf(customerId: string): Promise<Credit> {
  return dataOf(
    await client().GET('/v1/customers/{customerId}/credit', { params: { path: { customerId } } }),
  );
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
  everyPage((query) =>
    client().GET('/v1/customers/{customerId}/credit/transactions', {
      params: { path: { customerId }, query },
    }),
  );

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

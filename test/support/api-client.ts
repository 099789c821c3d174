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
  headers?: Record<string, string>;
  /** Whose token goes with it (TEST_ADMIN unless given); `null` sends none. An `authorization` header wins. */
  as?: Caller | null;
}

/** A client written from the contract: JSON in and out, nothing of the service's code. */
export async function api<T = Record<string, unknown>>(
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<ApiAnswer<T>> {
  const rawBody = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const caller = options.as === undefined ? TEST_ADMIN : options.as;
  const response = await fetch(`${stackUrls().apiUrl}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(caller ? await authorizationFor(caller) : {}),
      ...options.headers,
    },
    ...(rawBody === undefined ? {} : { body: rawBody }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : undefined) as T,
  };
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

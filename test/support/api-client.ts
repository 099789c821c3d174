import { stackUrls } from './stack.ts';

export interface ApiAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** A client written from the contract: JSON in and out, nothing of the service's code. */
export async function api<T = Record<string, unknown>>(
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiAnswer<T>> {
  const rawBody = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await fetch(`${stackUrls().apiUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...options.headers },
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

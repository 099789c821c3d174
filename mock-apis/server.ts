import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { CreateShipmentRequestSchema } from '../functions/shared/external/external-api.schemas.ts';
import { seedCustomers, seedProducts } from './seed.ts';

/**
 * The external Customers/Products/Shipments API (docs/api.md, "The external API this service calls"), with
 * its mock-only routes: data changes, fault injection and a call log. It stores what tests give it
 * (only checking that a body is a JSON object), so tests can create wrong external data on purpose.
 */

type Operation = 'GetCustomer' | 'GetProduct' | 'CreateShipment';
type StoredRecord = Record<string, unknown> & { id: string };

const FaultRuleSchema = z.object({
  operation: z.enum(['GetCustomer', 'GetProduct', 'CreateShipment']),
  kind: z.enum(['status', 'delay', 'reset', 'hang', 'malformed']),
  status: z.number().int().min(100).max(599).optional(),
  delayMs: z.number().int().min(0).max(600_000).optional(),
  count: z.number().int().min(1).optional(),
});
type FaultRule = z.infer<typeof FaultRuleSchema> & { used: number };

interface CallRecord {
  operation: Operation;
  at: string;
  path: string;
  idempotencyKey?: string;
  body?: unknown;
  status: number;
  shipmentId?: string;
}

export interface MockApiState {
  customers: Map<string, StoredRecord>;
  products: Map<string, StoredRecord>;
  shipmentsByKey: Map<string, string>;
  faults: FaultRule[];
  calls: CallRecord[];
}

export function createMockApiServer(): Server {
  const state: MockApiState = {
    customers: new Map(seedCustomers().map((customer) => [customer.id, customer])),
    products: new Map(seedProducts().map((product) => [product.id, product])),
    shipmentsByKey: new Map(),
    faults: [],
    calls: [],
  };
  return createServer((request, response) => {
    handle(state, request, response).catch((error: unknown) => {
      send(response, 500, { Message: error instanceof Error ? error.message : 'mock failure' });
    });
  });
}

async function handle(
  state: MockApiState,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://mock');
  const method = request.method ?? 'GET';
  const path = url.pathname;
  const [, collection, id, extra] = path.split('/');
  const body = method === 'GET' || method === 'DELETE' ? undefined : await readJson(request);

  if (path === '/__control/faults' && method === 'PUT') {
    const rules = z.array(FaultRuleSchema).safeParse(body);
    if (!rules.success) return send(response, 400, { Message: z.prettifyError(rules.error) });
    state.faults = rules.data.map((rule) => ({ ...rule, used: 0 }));
    return send(response, 204);
  }
  if (path === '/__control/calls' && method === 'GET') {
    const counts: Record<string, number> = {};
    for (const call of state.calls) counts[call.operation] = (counts[call.operation] ?? 0) + 1;
    return send(response, 200, { counts, calls: state.calls });
  }
  if (path === '/__control/calls' && method === 'DELETE') {
    state.calls = [];
    return send(response, 204);
  }

  if ((collection === 'customers' || collection === 'products') && extra === undefined) {
    const store = collection === 'customers' ? state.customers : state.products;
    if (id === undefined || id === '') {
      if (method === 'GET') return send(response, 200, [...store.values()]);
      if (method === 'POST') return createRecord(store, body, response);
    } else if (method === 'GET') {
      const operation = collection === 'customers' ? 'GetCustomer' : 'GetProduct';
      const record = store.get(decodeURIComponent(id));
      return respondAsOperation(state, operation, request, response, undefined, () =>
        record
          ? { status: 200, body: record }
          : { status: 404, body: { Message: `${collection} not found` } },
      );
    } else if (method === 'PATCH') {
      return updateRecord(store, decodeURIComponent(id), body, response);
    }
  }

  if (path === '/shipments' && method === 'POST') {
    const idempotencyKey = header(request, 'idempotency-key');
    return respondAsOperation(state, 'CreateShipment', request, response, body, () => {
      const parsed = CreateShipmentRequestSchema.safeParse(body);
      if (!parsed.success) return { status: 400, body: { Message: z.prettifyError(parsed.error) } };
      const existing = idempotencyKey === undefined ? undefined : state.shipmentsByKey.get(idempotencyKey);
      const shipmentId = existing ?? `shp_${randomUUID()}`;
      if (idempotencyKey !== undefined) state.shipmentsByKey.set(idempotencyKey, shipmentId);
      return { status: 200, body: { id: shipmentId }, shipmentId };
    });
  }

  return send(response, 404, { Message: `no route for ${method} ${path}` });
}

/** Applies the first matching fault rule (if any), answers, and records the call. */
async function respondAsOperation(
  state: MockApiState,
  operation: Operation,
  request: IncomingMessage,
  response: ServerResponse,
  body: unknown,
  answer: () => { status: number; body: unknown; shipmentId?: string },
): Promise<void> {
  const idempotencyKey = header(request, 'idempotency-key');
  const call: CallRecord = {
    operation,
    at: new Date().toISOString(),
    path: request.url ?? '',
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    ...(body === undefined ? {} : { body }),
    status: 0,
  };
  state.calls.push(call);

  const rule = state.faults.find(
    (candidate) =>
      candidate.operation === operation &&
      (candidate.count === undefined || candidate.used < candidate.count),
  );
  if (rule) rule.used += 1;

  switch (rule?.kind) {
    case 'status': {
      call.status = rule.status ?? 500;
      return send(response, call.status, { Message: `injected fault: HTTP ${call.status}` });
    }
    case 'reset':
      request.socket.destroy();
      return;
    case 'hang':
      return; // never answered; stopping the server closes the connection
    case 'malformed':
      call.status = 200;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"id": "shp_');
      return;
    case 'delay':
      await new Promise((resolve) => setTimeout(resolve, rule.delayMs ?? 0));
      break;
    case undefined:
      break;
  }
  const result = answer();
  call.status = result.status;
  if (result.shipmentId !== undefined) call.shipmentId = result.shipmentId;
  return send(response, result.status, result.body);
}

function createRecord(store: Map<string, StoredRecord>, body: unknown, response: ServerResponse): void {
  if (!isObject(body)) {
    send(response, 400, { Message: 'body must be a JSON object' });
    return;
  }
  const now = Date.now();
  const id = typeof body.id === 'string' && body.id !== '' ? body.id : randomUUID();
  const record: StoredRecord = { createdAt: now, lastModifiedAt: now, ...body, id };
  store.set(id, record);
  send(response, 201, record);
}

function updateRecord(
  store: Map<string, StoredRecord>,
  id: string,
  body: unknown,
  response: ServerResponse,
): void {
  const existing = store.get(id);
  if (!existing) {
    send(response, 404, { Message: 'not found' });
    return;
  }
  if (!isObject(body)) {
    send(response, 400, { Message: 'body must be a JSON object' });
    return;
  }
  const previous = typeof existing.lastModifiedAt === 'number' ? existing.lastModifiedAt : 0;
  const record: StoredRecord = {
    ...existing,
    ...body,
    id,
    lastModifiedAt: Math.max(Date.now(), previous + 1),
  };
  store.set(id, record);
  send(response, 200, record);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function send(response: ServerResponse, status: number, body?: unknown): void {
  if (response.headersSent || response.destroyed) return;
  if (body === undefined) {
    response.writeHead(status).end();
    return;
  }
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO_CUSTOMER_IDS, loadDemoData } from '../../../local/demo-data.ts';
import { issueLocalToken } from '../../../local/oidc-clients.ts';
import { freePort } from '../../../local/processes.ts';
import { expectBooksToBalance } from '../../support/reconcile.ts';
import { type StackProcess, startStackProcess } from '../../support/stack-process.ts';

/**
 * `kill -9` of the whole stack while a mixed load runs (and the demo data's
 * purchase is in flight), then `npm start` again on the same DATA_DIR. The killed run's HTTP
 * idempotency record of the demo purchase stays IN_PROGRESS for its 60 s lease, so the new run's
 * demo loader meets 409 REQUEST_IN_PROGRESS on its fixed key.
 */
const [JOHN, JANE] = DEMO_CUSTOMER_IDS as [string, string];
/**
 * The first run's requests go as the demo data's own caller: Idempotency-Keys are the caller's, and
 * the second run's demo loader must meet the record the first one left.
 */
let token: string | undefined;
const KEYBOARD = '660e8400-e29b-41d4-a716-446655440003';
const DEMO_PURCHASE_SKU = 'MOUSE-001';

async function call(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
}

const grant = (apiUrl: string, customerId: string, amountCents: number, key: string) =>
  call(
    apiUrl,
    'POST',
    `/v1/customers/${customerId}/credit/grants`,
    { amountCents, reason: 'load' },
    {
      'idempotency-key': key,
    },
  );
const deduct = (apiUrl: string, customerId: string, amountCents: number, key: string) =>
  call(
    apiUrl,
    'POST',
    `/v1/customers/${customerId}/credit/deductions`,
    { amountCents, reason: 'load' },
    {
      'idempotency-key': key,
    },
  );
const buy = (apiUrl: string, customerId: string, key: string) =>
  call(
    apiUrl,
    'POST',
    '/v1/purchases',
    { customerId, productId: KEYBOARD, quantity: 1 },
    {
      'idempotency-key': key,
    },
  );

describe('npm start after kill -9 of the whole stack mid-load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'purchase-restart-'));
  const dataDir = join(dir, 'data');
  const secondReadyFile = join(dir, 'ready-2.json');
  const stacks: StackProcess[] = [];
  let secondApiUrl = '';
  let second: StackProcess;

  beforeAll(async () => {
    // The first run: on a DATA_DIR, no demo data of its own, so the test can hold the demo data's
    // purchase in flight (a hung CreateShipment) the way a run killed while loading it would.
    const first = startStackProcess({
      PORT: '0',
      MOCK_API_PORT: '0',
      DYNAMODB_PORT: '0',
      DATA_DIR: dataDir,
      SEED_DEMO_DATA: '0',
      LOCAL_STACK_READY_FILE: join(dir, 'ready-1.json'),
      // The shortest lease the service allows (it outlasts every route): the restart waits less.
      IDEMPOTENCY_LOCK_SECONDS: '30',
    });
    stacks.push(first);
    const where = await first.waitForReady(90_000);
    token = await issueLocalToken(where.oidc.tokenEndpoint, 'demo-data', 'admin');

    // A mixed load that finishes...
    for (const [index, customerId] of [JOHN, JANE].entries()) {
      expect((await grant(where.apiUrl, customerId, 50_000, `load-grant-${index}`)).status).toBe(201);
      expect((await deduct(where.apiUrl, customerId, 1_999, `load-deduct-${index}`)).status).toBe(201);
      expect((await buy(where.apiUrl, customerId, `load-buy-${index}`)).status).toBe(201);
    }
    // ...and one that is in flight when the stack dies, the demo data among it.
    await call(where.mockApiUrl, 'PUT', '/__control/faults', [{ operation: 'CreateShipment', kind: 'hang' }]);
    const inFlight = [
      loadDemoData(where.apiUrl, token, { say: () => undefined, warn: () => undefined }),
      ...[1, 2, 3].map((n) => grant(where.apiUrl, JANE, 1_000, `load-late-grant-${n}`)),
      ...[1, 2].map((n) => buy(where.apiUrl, JANE, `load-late-buy-${n}`)),
    ].map((request) => (request as Promise<unknown>).catch(() => undefined));
    // The demo purchase has claimed its key and waits on its shipment (the saga gives up after 3 s).
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (Date.now() > deadline) throw new Error('the demo purchase never called CreateShipment');
      const log = await call(where.mockApiUrl, 'GET', '/__control/calls');
      const calls = log.body.calls as { operation: string; body?: { products?: { sku: string }[] } }[];
      if (
        calls.some(
          (c) => c.operation === 'CreateShipment' && c.body?.products?.[0]?.sku === DEMO_PURCHASE_SKU,
        )
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await first.killGroup();
    await Promise.all(inFlight);

    // `npm start` again, on the same DATA_DIR, with its demo data.
    const port = await freePort();
    secondApiUrl = `http://127.0.0.1:${port}`;
    second = startStackProcess({
      PORT: String(port),
      MOCK_API_PORT: String(await freePort()),
      DYNAMODB_PORT: '0',
      DATA_DIR: dataDir,
      SEED_DEMO_DATA: '1',
      LOCAL_STACK_READY_FILE: secondReadyFile,
      IDEMPOTENCY_LOCK_SECONDS: '30',
    });
    stacks.push(second);
  }, 180_000);

  afterAll(async () => {
    for (const stack of stacks) await stack.killGroup();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('answers /health (and every route) 503 SERVICE_UNAVAILABLE with Retry-After while its demo data waits for the killed run', async () => {
    await second.waitForOutput(/waiting up to \d+ s/, 120_000);

    const health = await call(secondApiUrl, 'GET', '/health');
    const credit = await call(secondApiUrl, 'GET', `/v1/customers/${JOHN}/credit`);

    expect(health.status).toBe(503);
    expect(health.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(health.body).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
    expect(credit.status).toBe(503);
    expect(existsSync(secondReadyFile)).toBe(false);
  }, 150_000);

  it('comes up on the same DATA_DIR: ready file written, /health 200 and the books balance', async () => {
    const where = await second.waitForReady(150_000);

    const health = await call(secondApiUrl, 'GET', '/health');

    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    expect(where.apiUrl).toBe(secondApiUrl);
    expect(second.output()).toContain('Purchase service is running locally.');
    expect(second.output()).not.toContain('local stack failed to start');
    await expectBooksToBalance({
      dynamoDbEndpoint: where.dynamoDbEndpoint,
      mainTable: where.tables.main,
      auditTable: where.tables.audit,
    });
  }, 180_000);
});

import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { holdLimits, reconcile } from '../functions/ops/reconciliation.ts';
import { createDocumentClient } from '../functions/shared/db/document-client.ts';
import { useLocalAwsEnvironment } from '../local/dynamodb-local.ts';
import { issueLocalToken } from '../local/oidc-clients.ts';
import { LOCAL_STACK_FILE } from '../local/paths.ts';
import { sweeperMaxAge } from './tables-to-read.ts';

/**
 * `npm run smoke -- --url URL [--token T]`: the main flows against any deployment, one line per
 * step, exit 1 at the first failure. Grant, purchase, a failed shipment (only where the external
 * API is the mock, whose control routes can make CreateShipment fail), a refund, the audit trail,
 * and the reconciliation where the tables can be read.
 *
 *   --url URL         the API (`npm start` prints it; CDK output ApiUrl in AWS)
 *   --token T         an access token with the admin role; against the running `npm start` stack one
 *                     is issued by its local issuer when omitted
 *   --mock-url URL    the mock external API, for the failed-shipment step (the `npm start` stack's
 *                     when the URL is its API)
 *   --customer ID, --product ID   who buys what (default: the mock's seeded John Doe and mouse)
 * Reconcile reads MAIN_TABLE_NAME and AUDIT_TABLE_NAME (and DYNAMODB_ENDPOINT), or the `npm start`
 * stack's tables when the URL is its API; it is skipped otherwise.
 */
const USAGE = 'usage: npm run smoke -- --url URL [--token T] [--mock-url URL] [--customer ID] [--product ID]';
const SEEDED_CUSTOMER = '550e8400-e29b-41d4-a716-446655440001';
const SEEDED_PRODUCT = '660e8400-e29b-41d4-a716-446655440002';
/** The audit projector is asynchronous (the stream): how long the trail may take to appear. */
const AUDIT_WAIT_MS = 30_000;

class SmokeFailure extends Error {
  override readonly name = 'SmokeFailure';
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

interface LocalStack {
  apiUrl: string;
  mockApiUrl: string;
  dynamoDbEndpoint: string;
  tables: { main: string; audit: string };
  oidc: { tokenEndpoint: string };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      'mock-url': { type: 'string' },
      customer: { type: 'string' },
      product: { type: 'string' },
    },
  });
  if (values.url === undefined) throw new SmokeFailure(USAGE);
  const apiUrl = values.url.replace(/\/$/, '');
  const local = localStack(apiUrl);
  const token =
    values.token ?? (local ? await issueLocalToken(local.oidc.tokenEndpoint, 'smoke', 'admin') : undefined);
  if (token === undefined) throw new SmokeFailure(`--token is required for ${apiUrl}\n${USAGE}`);
  const mockUrl = values['mock-url'] ?? local?.mockApiUrl;
  const customerId = values.customer ?? SEEDED_CUSTOMER;
  const productId = values.product ?? SEEDED_PRODUCT;

  const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        // Every money-moving POST is idempotent; a fresh key each time makes each a new request.
        ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
    };
  };
  const expectStatus = (what: string, answer: Answer, status: number): Answer => {
    if (answer.status !== status) {
      throw new SmokeFailure(
        `${what}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`,
      );
    }
    return answer;
  };
  const available = async (): Promise<number> =>
    Number(
      expectStatus('read credit', await call('GET', `/v1/customers/${customerId}/credit`), 200).body
        .availableCents,
    );

  await step('health', async () => {
    expectStatus('GET /health', await call('GET', '/health'), 200);
    return apiUrl;
  });

  const price = await step('product', async () => {
    const product = expectStatus('GET product', await call('GET', `/v1/products/${productId}`), 200).body;
    return {
      note: `${String(product.sku)} at ${String(product.priceCents)} cents`,
      value: Number(product.priceCents),
    };
  });

  await step('grant', async () => {
    const before = await available();
    const granted = expectStatus(
      'POST grant',
      await call('POST', `/v1/customers/${customerId}/credit/grants`, {
        amountCents: price * 2,
        reason: 'smoke test',
      }),
      201,
    ).body as { credit: { availableCents: number } };
    if (granted.credit.availableCents !== before + price * 2) {
      throw new SmokeFailure(
        `available went from ${before} to ${granted.credit.availableCents}, not +${price * 2}`,
      );
    }
    return `${price * 2} cents to ${customerId}`;
  });

  const purchase = await step('purchase', async () => {
    const bought = expectStatus(
      'POST /v1/purchases',
      await call('POST', '/v1/purchases', { customerId, productId, quantity: 1 }),
      201,
    ).body as { id: string; totalCents: number; status: string; shipmentId: string };
    if (bought.status !== 'COMPLETED') throw new SmokeFailure(`purchase status ${bought.status}`);
    return { note: `${bought.id}, ${bought.totalCents} cents, shipment ${bought.shipmentId}`, value: bought };
  });

  if (mockUrl === undefined) {
    skip('failed shipment', 'no --mock-url (the external API is not the mock)');
  } else {
    await step('failed shipment', async () => {
      const before = await available();
      await setFaults(mockUrl, [{ operation: 'CreateShipment', kind: 'status', status: 500 }]);
      try {
        const failed = await call('POST', '/v1/purchases', { customerId, productId, quantity: 1 });
        const code = (failed.body.error as { code?: string } | undefined)?.code;
        if (failed.status !== 502 || code !== 'SHIPMENT_FAILED') {
          throw new SmokeFailure(
            `expected 502 SHIPMENT_FAILED, got ${failed.status} ${JSON.stringify(failed.body)}`,
          );
        }
      } finally {
        await setFaults(mockUrl, []);
      }
      const after = await available();
      if (after !== before) throw new SmokeFailure(`available credit went from ${before} to ${after}`);
      return '502 SHIPMENT_FAILED, nothing taken';
    });
  }

  await step('refund', async () => {
    const refunded = expectStatus(
      'POST refund',
      await call('POST', `/v1/purchases/${purchase.id}/refunds`, { reason: 'smoke test' }),
      201,
    ).body as { refund: { amountCents: number }; purchase: { status: string } };
    if (refunded.refund.amountCents !== purchase.totalCents || refunded.purchase.status !== 'REFUNDED') {
      throw new SmokeFailure(`refunded ${refunded.refund.amountCents} of ${purchase.totalCents}`);
    }
    return `${refunded.refund.amountCents} cents, purchase REFUNDED`;
  });

  await step('audit trail', async () => {
    const deadline = Date.now() + AUDIT_WAIT_MS;
    for (;;) {
      const trail = expectStatus(
        'GET /v1/audit',
        await call('GET', `/v1/audit?entityType=PURCHASE&entityId=${encodeURIComponent(purchase.id)}`),
        200,
      ).body as { items: { action: string }[] };
      // Created, then updated by the refund.
      if (trail.items.length >= 2) return `${trail.items.length} records for ${purchase.id}`;
      if (Date.now() > deadline) {
        throw new SmokeFailure(
          `${trail.items.length} audit records for ${purchase.id} after ${AUDIT_WAIT_MS} ms`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  });

  const tables = tablesToReconcile(local);
  if (!tables) {
    skip('reconcile', 'no table access (set MAIN_TABLE_NAME and AUDIT_TABLE_NAME)');
  } else {
    await step('reconcile', async () => {
      const client = createDocumentClient({ endpoint: tables.endpoint, requestTimeoutMs: 30_000 });
      try {
        const report = await reconcile(
          client,
          tables,
          holdLimits({ reservationMaxAgeSeconds: sweeperMaxAge() }),
        );
        if (report.breaches.length > 0) {
          throw new SmokeFailure(
            `${report.breaches.length} breaches:\n    ${report.breaches.join('\n    ')}`,
          );
        }
        return `books balance (${report.checked.customers} customers, ${report.checked.purchases} purchases)`;
      } finally {
        client.destroy();
      }
    });
  }
  console.log('smoke: passed');
}

/** Runs a step and prints its line; a step may return a note, or a note and a value for the next. */
async function step<T = undefined>(
  name: string,
  run: () => Promise<string | { note: string; value: T }>,
): Promise<T> {
  const started = Date.now();
  try {
    const result = await run();
    const note = typeof result === 'string' ? result : result.note;
    console.log(`✓ ${name} (${Date.now() - started} ms): ${note}`);
    return (typeof result === 'string' ? undefined : result.value) as T;
  } catch (error) {
    console.log(`✗ ${name}: ${error instanceof Error ? error.message : String(error)}`);
    throw new SmokeFailure(`step ${name} failed`);
  }
}

function skip(name: string, why: string): void {
  console.log(`- ${name}: skipped, ${why}`);
}

async function setFaults(mockUrl: string, rules: unknown[]): Promise<void> {
  const response = await fetch(`${mockUrl.replace(/\/$/, '')}/__control/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(rules),
  });
  if (response.status !== 204) throw new SmokeFailure(`the mock refused the fault rules: ${response.status}`);
}

/** The `npm start` stack, when `apiUrl` is its API (its whereabouts file says so). */
function localStack(apiUrl: string): LocalStack | undefined {
  const file = process.env.LOCAL_STACK_FILE ?? LOCAL_STACK_FILE;
  if (!existsSync(file)) return undefined;
  const stack = JSON.parse(readFileSync(file, 'utf8')) as LocalStack;
  return stack.apiUrl.replace(/\/$/, '') === apiUrl ? stack : undefined;
}

function tablesToReconcile(
  local: LocalStack | undefined,
): { endpoint: string | undefined; main: string; audit: string } | undefined {
  const env = process.env;
  if (env.MAIN_TABLE_NAME && env.AUDIT_TABLE_NAME) {
    return { endpoint: env.DYNAMODB_ENDPOINT, main: env.MAIN_TABLE_NAME, audit: env.AUDIT_TABLE_NAME };
  }
  if (!local) return undefined;
  useLocalAwsEnvironment();
  return { endpoint: local.dynamoDbEndpoint, ...local.tables };
}

main().catch((error: unknown) => {
  console.log(
    error instanceof SmokeFailure ? `smoke: failed, ${error.message}` : `smoke: failed, ${String(error)}`,
  );
  process.exitCode = 1;
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mayDo, rolesOf } from '../../functions/auth/roles.ts';
import { answersHead, ROUTES, type RouteDeclaration } from '../../functions/routes.ts';
import {
  allPages,
  allTransactions,
  api,
  type Credit,
  creditOf,
  customerAndProduct,
  mock,
  type Page,
  TEST_ADMIN,
  type Transaction,
} from '../support/api-client.ts';
import {
  authorizationOf,
  type Credential,
  credential,
  type FuzzTokens,
  makeFuzzTokens,
} from '../support/credential-arbitraries.ts';
import { type FuzzRequest, type KnownIds, requestFor, serialize } from '../support/input-arbitraries.ts';
import { claimsOf } from '../support/oidc-flows.ts';
import { expectBooksToBalance } from '../support/reconcile.ts';
import { stackUrls } from '../support/stack.ts';
import { authorizationFor } from '../support/tokens.ts';

/**
 * Generated input: every route of the route table (a new route is
 * covered as soon as it is declared), `$default` included, gets generated methods, paths, query
 * strings, headers (`x-actor` among them) and bodies, each with generated credentials: none, valid
 * tokens of every role, forged, `alg: none`, expired, for another audience or issuer, garbage, wrong
 * schemes, huge headers, and the issuer's own signature over random claims. Whatever was sent:
 *   - the answer is never a 5xx, never a 429 (the test stack's throttle is far above this), and
 *     comes within REQUEST_TIMEOUT_MS (an abort fails the run);
 *   - it is what the credentials call for: 401 for those the service must refuse, 403 for a role
 *     that may not, the route's own answers otherwise (431 when the head is too big for Node);
 *   - the only changes are the ones a 2xx answer reports, each recorded with the token's `sub` as
 *     its actor, whatever `x-actor` said; the books reconcile after it.
 * A second property does the same for the external API's data. Seeded and bounded for CI:
 * FUZZ_RUNS per route (20); `npm run fuzz:input -- --requests N` runs N in all, with a random seed.
 */

/** FUZZ_REQUESTS (a total, spread over the routes) wins over FUZZ_RUNS (per route). */
const RUNS_PER_ROUTE = process.env.FUZZ_REQUESTS
  ? Math.ceil(Number(process.env.FUZZ_REQUESTS) / ROUTES.length)
  : Number(process.env.FUZZ_RUNS ?? 20);
const EXTERNAL_RUNS = Number(process.env.FUZZ_EXTERNAL_RUNS ?? 20);
const SEED = Number(process.env.FUZZ_SEED ?? 20_250_509);
/** Far above any answer's time here (a purchase takes a few hundred ms): past it, the request hung. */
const REQUEST_TIMEOUT_MS = 20_000;
/** Generous: a request takes milliseconds, a purchase with its setup a few hundred. */
const TIMEOUT_MS = Math.max(60_000, RUNS_PER_ROUTE * ROUTES.length * 200, EXTERNAL_RUNS * 1_000);
/** Every route unless FUZZ_ROUTES names some (comma-separated operationIds). */
const ONLY = process.env.FUZZ_ROUTES?.split(',');
/** Our input is a 4xx when it is wrong; a 5xx would be our fault. */
const OUR_INPUT_STATUSES = [200, 201, 400, 404, 409, 413, 415, 422] as const;
/**
 * Node's limit on a request's head (request line and headers), answered 431 by the HTTP server
 * before any of our code. Near it the exact count (fetch's own headers) is not ours to predict.
 */
const MAX_HEAD_BYTES = 16 * 1024;
const HEAD_MARGIN_BYTES = 1_024;

/** Answers by status, for each property. */
const tally = { routes: new Map<number, number>(), external: new Map<number, number>() };
/** Requests by what they presented: `valid admin`, `refused`, `claims`. */
const presentedKinds = new Map<string, number>();
let probe: { customerId: string; productId: string; purchaseIds: string[] };
let ids: KnownIds;
let tokens: FuzzTokens;
let adminAuthorization: string;

interface Purchase {
  id: string;
  refundedCents: number;
  totalCents: number;
}

interface Answer {
  status: number;
  body: unknown;
}

/** The whole request, the URL as fetch sends it (normalized: `..` resolved). */
const urlOf = (request: FuzzRequest): URL => {
  const search = new URLSearchParams(request.query).toString();
  return new URL(`${stackUrls().apiUrl}${request.path}${search ? `?${search}` : ''}`);
};

/** Sent with its own fetch: every header is the generator's, `authorization` included (none if undefined). */
async function send(
  request: FuzzRequest,
  authorization: string | undefined,
  counts: Map<number, number>,
): Promise<Answer> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...request.headers,
    ...(authorization === undefined ? {} : { authorization }),
  };
  let status: number;
  let text: string;
  try {
    const response = await fetch(urlOf(request), {
      method: request.method,
      headers,
      ...(request.rawBody === undefined ? {} : { body: request.rawBody }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    const hung = error instanceof Error && error.name === 'TimeoutError';
    throw new Error(
      `${hung ? `no answer within ${REQUEST_TIMEOUT_MS} ms` : `no answer: ${String(error)}`} for ${show(request)}`,
    );
  }
  counts.set(status, (counts.get(status) ?? 0) + 1);
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON (Node's own 431 has no body): kept as text for the failure message.
  }
  return { status, body };
}

const show = (request: FuzzRequest): string =>
  JSON.stringify(request, (_key, value: unknown) =>
    typeof value === 'string' && value.length > 300
      ? `${value.slice(0, 300)}… (${value.length} chars)`
      : value,
  );

/**
 * The route the local gateway picks for a request, as API Gateway does: the method and path (HEAD
 * reaches an open GET, `answersHead`), else `$default`.
 */
function routeOf(method: string, url: URL): RouteDeclaration {
  const segments = url.pathname.split('/');
  const matches = (template: string): boolean => {
    const parts = template.split('/');
    return (
      parts.length === segments.length &&
      parts.every((part, index) =>
        part.startsWith('{') ? (segments[index] ?? '') !== '' : part === segments[index],
      )
    );
  };
  const fallback = ROUTES.find((route) => route.path === '$default');
  const route =
    ROUTES.find(
      (candidate) =>
        (candidate.method === method || (method === 'HEAD' && answersHead(candidate))) &&
        matches(candidate.path),
    ) ?? fallback;
  if (!route) throw new Error('the route table has no $default');
  return route;
}

/** The statuses a request may get, from the route it reaches and what it presents. */
function allowedStatuses(
  method: string,
  route: RouteDeclaration,
  presented: Credential,
  headBytes: number,
): number[] {
  if (headBytes > MAX_HEAD_BYTES) return [431];
  const allowed = ((): number[] => {
    // Every OPTIONS is a CORS preflight, answered 204 before any route or token check (functions/cors.ts).
    if (method === 'OPTIONS') return [204];
    if (route.access === 'public') return [...OUR_INPUT_STATUSES];
    if (presented.kind === 'refused') return [401];
    const answered = route.access === 'authenticated' ? [404] : [...OUR_INPUT_STATUSES];
    if (presented.kind === 'claims') return [...answered, 401, 403];
    if (route.access === 'authenticated' || mayDo([presented.role], route.access)) return answered;
    return [403];
  })();
  return headBytes > MAX_HEAD_BYTES - HEAD_MARGIN_BYTES ? [...allowed, 431] : allowed;
}

/** The bytes of the request line and headers, as sent (fetch adds a few hundred of its own). */
function headBytesOf(request: FuzzRequest, url: URL, authorization: string | undefined): number {
  const line = request.method.length + url.pathname.length + url.search.length + 11;
  const headers = Object.entries({ ...request.headers, ...(authorization ? { authorization } : {}) });
  return line + headers.reduce((total, [name, value]) => total + name.length + value.length + 4, 0);
}

const buy = async (customerId: string, productId: string, quantity: number): Promise<string> => {
  const answer = await api<{ id: string }>('POST', '/v1/purchases', {
    body: { customerId, productId, quantity },
  });
  if (answer.status !== 201) throw new Error(`purchase: HTTP ${answer.status}`);
  return answer.body.id;
};

/** A real cursor of a list; the audit lists fill from the stream a moment later, so they are polled. */
async function cursorOf(path: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const page = await api<Page<unknown>>('GET', path);
    if (page.body.nextCursor) return page.body.nextCursor;
    if (Date.now() > deadline) throw new Error(`GET ${path} gave no cursor`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  tokens = await makeFuzzTokens();
  adminAuthorization = (await authorizationFor(TEST_ADMIN)).authorization;
  const { customerId, productId } = await customerAndProduct(100_000, 1);
  const purchaseIds = [await buy(customerId, productId, 10), await buy(customerId, productId, 10)];
  probe = { customerId, productId, purchaseIds };
  ids = {
    existing: { customerId: [customerId], purchaseId: purchaseIds },
    cursors: {
      ListCreditTransactions: [await cursorOf(`/v1/customers/${customerId}/credit/transactions?limit=1`)],
      ListPurchases: [
        await cursorOf(`/v1/purchases?customerId=${customerId}&limit=1`),
        await cursorOf('/v1/purchases?limit=1'),
      ],
      ListAudit: [
        await cursorOf('/v1/audit?limit=1'),
        await cursorOf('/v1/audit?entityType=PURCHASE&limit=1'),
        await cursorOf(`/v1/audit?entityType=CREDIT&entityId=${customerId}&limit=1`),
      ],
    },
  };
});

afterAll(() => {
  const line = (counts: Map<number, number>): string => {
    const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
    const byStatus = [...counts].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`);
    return `${total} (${byStatus.join(', ')})`;
  };
  process.stdout.write(
    `input fuzz (seed ${SEED}): ${line(tally.routes)} generated requests sent to ${ONLY?.length ?? ROUTES.length} routes ` +
      `with generated credentials [${[...presentedKinds].map(([kind, count]) => `${kind}: ${count}`).join(', ')}]; ` +
      `${line(tally.external)} over generated external data\n`,
  );
});

describe('generated requests and credentials on every route', () => {
  it(
    "answers every generated request as its credentials call for, with no 5xx and no hang, and changes only what its 2xx answers report, as the token's subject",
    async () => {
      const before = {
        credit: await creditOf(probe.customerId),
        transactions: await allTransactions(probe.customerId),
        purchases: await allPages<Purchase>(`/v1/purchases?customerId=${probe.customerId}`),
      };
      // What 2xx answers said they changed, keyed by id (an idempotent replay answers the same id).
      const changes = new Map<
        string,
        { amountCents: number; actor: unknown; purchaseId?: string; metadata?: unknown }
      >();

      for (const [index, route] of ROUTES.entries()) {
        if (ONLY && !ONLY.includes(route.operationId)) continue;
        await fc.assert(
          fc.asyncProperty(requestFor(route, ids), credential(tokens), async (request, presented) => {
            const authorization = await authorizationOf(presented);
            const url = urlOf(request);
            const reached = routeOf(request.method, url);
            const answer = await send(request, authorization, tally.routes);
            const kind = presented.kind === 'valid' ? `valid ${presented.role}` : presented.kind;
            presentedKinds.set(kind, (presentedKinds.get(kind) ?? 0) + 1);

            const allowed = allowedStatuses(
              request.method,
              reached,
              presented,
              headBytesOf(request, url, authorization),
            );
            expectStatusIn(allowed, { route: reached.operationId, request, presented }, answer);
            // A preflight's 204 reaches no handler: it changes nothing and says nothing of the token.
            if (request.method === 'OPTIONS' || answer.status < 200 || answer.status > 299) return;
            // The claims as signed (the issuer's defaults under the generated ones).
            const signed =
              presented.kind === 'claims' ? claimsOf(authorization?.slice('Bearer '.length) ?? '') : {};
            // A 2xx for generated claims: they carry what the route asks.
            if (
              presented.kind === 'claims' &&
              reached.access !== 'public' &&
              reached.access !== 'authenticated'
            )
              expect(mayDo(rolesOf(signed), reached.access)).toBe(true);
            if (answer.status !== 201) return;
            const subject = presented.kind === 'valid' ? presented.sub : signed.sub;
            const sentBody = JSON.parse(request.rawBody ?? '{}') as { metadata?: unknown };
            const { transaction, refund } = answer.body as {
              transaction?: Transaction & { metadata?: unknown };
              refund?: { id: string; amountCents: number; purchaseId: string; actor: string };
            };
            if (transaction) {
              // What DynamoDB stored is what the client sent, to the last digit.
              expect(asJson(transaction.metadata)).toEqual(asJson(sentBody.metadata));
              // The token's subject, whatever `x-actor` said.
              expect(transaction.actor).toBe(subject);
              changes.set(transaction.id, {
                amountCents: transaction.amountCents,
                actor: subject,
                metadata: sentBody.metadata,
              });
            } else if (refund) {
              expect(refund.actor).toBe(subject);
              changes.set(refund.id, {
                amountCents: refund.amountCents,
                actor: subject,
                purchaseId: refund.purchaseId,
              });
            } else {
              throw new Error(`${reached.operationId} made something the fuzz cannot account for`);
            }
          }),
          { numRuns: RUNS_PER_ROUTE, seed: SEED + index },
        );
      }

      const changed = [...changes.values()];
      const credit: Credit = await creditOf(probe.customerId);
      expect(credit.balanceCents).toBe(before.credit.balanceCents + sum(changed.map((c) => c.amountCents)));
      expect(credit.heldCents).toBe(0);
      const transactions = await allTransactions(probe.customerId);
      expect(transactions).toHaveLength(before.transactions.length + changed.length);
      for (const [id, change] of changes) {
        const stored = (transactions as (Transaction & { metadata?: unknown; refundId?: string })[]).find(
          (entry) => (change.purchaseId === undefined ? entry.id === id : entry.refundId === id),
        );
        expect(stored?.actor).toBe(change.actor);
        if (change.purchaseId === undefined)
          expect(asJson(stored?.metadata)).toEqual(asJson(change.metadata));
      }
      const purchases = await allPages<Purchase>(`/v1/purchases?customerId=${probe.customerId}`);
      expect(purchases.map((purchase) => purchase.id)).toEqual(
        before.purchases.map((purchase) => purchase.id),
      );
      for (const purchase of purchases) {
        const was = before.purchases.find((candidate) => candidate.id === purchase.id);
        const refunded = sum(changed.filter((c) => c.purchaseId === purchase.id).map((c) => c.amountCents));
        expect(purchase.refundedCents).toBe((was?.refundedCents ?? 0) + refunded);
      }
      await expectBooksToBalance();
    },
    TIMEOUT_MS,
  );
});

describe('generated external data', () => {
  const address = { line1: '1 Test St', city: 'Testville', postalCode: '00001', state: 'TS', country: 'US' };
  /** Anything at all, a field left out included: the other team's mistakes. */
  const anyValue = fc.oneof(
    fc.constant(undefined),
    fc.constantFrom(null, true, '\ud800', 0, -1, 1.5, 1e21, 9e15, -9e15, 253_402_300_800_000),
    fc.string({ maxLength: 30 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.constant([]),
    fc.constant({}),
  );
  /**
   * A field's value: one the external contract allows (most of the time, so purchases do go through),
   * one at the edge of what we can keep, or anything at all.
   */
  const either = <T>(valid: fc.Arbitrary<T>, edge: fc.Arbitrary<unknown>) =>
    fc.oneof(
      { weight: 3, arbitrary: valid },
      { weight: 1, arbitrary: edge },
      { weight: 1, arbitrary: anyValue },
    );
  const text = either(
    fc.oneof(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
      fc.string({ minLength: 500, maxLength: 2_000 }),
    ),
    fc.constantFrom('', ' ', 'é😀', '\u0000', '\ud800'),
  );
  const epochMillis = either(
    fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }),
    fc.constantFrom(
      0,
      -62_167_219_200_000,
      253_402_300_799_999,
      253_402_300_800_000,
      -62_167_219_200_001,
      9e15,
      8.64e15,
    ),
  );
  const price = either(
    fc.integer({ min: 0, max: 100_000 }).map((cents) => cents / 100),
    fc.constantFrom(0, 0.01, 12.345, 1e-7, 1e15, 92_233_720_368_547.77, 92_233_720_368_547.8),
  );
  /** One to three fields changed at a time: with more, nearly every record is broken. */
  const changes = (fields: Record<string, fc.Arbitrary<unknown>>) =>
    fc
      .array(fc.oneof(...Object.entries(fields).map(([name, value]) => value.map((v) => ({ [name]: v })))), {
        minLength: 1,
        maxLength: 3,
      })
      .map((parts): Record<string, unknown> => Object.assign({}, ...parts));
  const addressChange = changes({
    line1: text,
    line2: text,
    city: text,
    postalCode: text,
    state: text,
    country: text,
  }).map((fields) => ({ ...address, ...fields }));
  const productChange = changes({
    sku: text,
    name: text,
    description: text,
    price,
    createdAt: epochMillis,
    lastModifiedAt: epochMillis,
  });
  const customerChange = changes({
    name: text,
    email: text,
    billingAddress: fc.oneof(addressChange, anyValue),
    shippingAddress: fc.oneof(addressChange, anyValue),
    createdAt: epochMillis,
    lastModifiedAt: epochMillis,
  });

  it(
    'answers GET credit and POST /v1/purchases over any external data with 2xx, 404, 422 or 502, never a partial change',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          productChange,
          customerChange,
          fc.integer({ min: 1, max: 3 }),
          async (productFields, customerFields, quantity) => {
            const { customerId, productId } = await customerAndProduct(10_000, 1);
            const product = await mock<Record<string, unknown>>('GET', `/products/${productId}`);
            const customer = await mock<Record<string, unknown>>('GET', `/customers/${customerId}`);
            // POST with the record's id replaces it whole: unlike PATCH, it can set lastModifiedAt too.
            await mock(
              'POST',
              '/products',
              JSON.parse(serialize({ ...product, ...productFields, id: productId })),
            );
            await mock(
              'POST',
              '/customers',
              JSON.parse(serialize({ ...customer, ...customerFields, id: customerId })),
            );

            const credit = await send(
              {
                method: 'GET',
                path: `/v1/customers/${customerId}/credit`,
                query: [],
                headers: {},
              },
              adminAuthorization,
              tally.external,
            );
            const purchase = await send(
              {
                method: 'POST',
                path: '/v1/purchases',
                query: [],
                rawBody: JSON.stringify({ customerId, productId, quantity }),
                headers: {},
              },
              adminAuthorization,
              tally.external,
            );

            expectStatusIn([200, 502], { productFields, customerFields }, credit);
            expectStatusIn([201, 422, 502], { productFields, customerFields }, purchase);
            if (purchase.status === 502)
              expect(purchase.body).toMatchObject({ error: { code: 'UPSTREAM_ERROR' } });
            const bought = await allPages<Purchase>(`/v1/purchases?customerId=${customerId}`);
            const now = await creditAfterRepair(customerId, customer);
            if (purchase.status === 201) {
              expect(bought).toHaveLength(1);
              expect(now).toMatchObject({
                balanceCents: 10_000 - (bought[0]?.totalCents ?? 0),
                heldCents: 0,
              });
            } else {
              expect(bought).toEqual([]);
              expect(now).toMatchObject({ balanceCents: 10_000, availableCents: 10_000, heldCents: 0 });
            }
          },
        ),
        { numRuns: EXTERNAL_RUNS, seed: SEED },
      );
      await expectBooksToBalance();
    },
    TIMEOUT_MS,
  );
});

/** The credit of a customer whose external record may be broken: it is put back first, to be read. */
async function creditAfterRepair(customerId: string, customer: Record<string, unknown>): Promise<Credit> {
  await mock('POST', '/customers', { ...customer, id: customerId });
  return creditOf(customerId);
}

const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);

/** Fails with the request and the answer, which fast-check's counterexample alone does not show. */
function expectStatusIn(
  allowed: readonly number[],
  what: unknown,
  answer: { status: number; body: unknown },
): void {
  if (!allowed.includes(answer.status)) {
    throw new Error(`HTTP ${answer.status} ${JSON.stringify(answer.body)} for ${JSON.stringify(what)}`);
  }
}

/** JSON as it travels: -0 is written 0. */
const asJson = (value: unknown): unknown =>
  value === undefined ? undefined : JSON.parse(JSON.stringify(value));

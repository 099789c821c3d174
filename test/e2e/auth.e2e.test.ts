import { createPublicKey, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { base64url, type JWK, type JWTPayload, SignJWT } from 'jose';
import { type Permission, ROLE_PERMISSIONS, ROLES } from '../../functions/auth/roles.ts';
import { ROUTES } from '../../functions/routes.ts';
import {
  type ApiAnswer,
  allPages,
  allTransactions,
  api,
  callLog,
  creditOf,
  customerAndProduct,
  grant,
  type Page,
  TEST_ADMIN,
} from '../support/api-client.ts';
import { expectBooksToBalance } from '../support/reconcile.ts';
import { stackUrls } from '../support/stack.ts';
import { type Caller, forged, signedByIssuer, tokenFor, unsigned } from '../support/tokens.ts';

interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown>; requestId: string };
}
interface Purchase {
  id: string;
  shipmentId: string;
  refundedCents: number;
}
interface AuditRecord {
  entityType: string;
  entityId: string;
  action: string;
  after: Record<string, unknown> | null;
  actor: string;
  sequence: number;
}

/** A customer with credit, a product of their own and one purchase of it, all made by the admin. */
interface Scene {
  customerId: string;
  productId: string;
  sku: string;
  purchaseId: string;
  promoCode: string;
}

const PRICE_DOLLARS = 2;

async function newScene(): Promise<Scene> {
  const { customerId, productId, sku } = await customerAndProduct(10_000, PRICE_DOLLARS);
  const purchase = await api<Purchase>('POST', '/v1/purchases', { body: { customerId, productId } });
  if (purchase.status !== 201) throw new Error(`purchase: HTTP ${purchase.status}`);
  const promoCode = unique('ROLE').toUpperCase();
  const promo = await api('POST', '/v1/promo-codes', {
    body: { code: promoCode, kind: 'PERCENT', percentOff: 5 },
  });
  if (promo.status !== 201) throw new Error(`promo code: HTTP ${promo.status}`);
  return { customerId, productId, sku, purchaseId: purchase.body.id, promoCode };
}

type GuardedRoute = Extract<(typeof ROUTES)[number], { access: Permission }>;

/**
 * A request each guarded route should answer with success, in a scene. Typed over every guarded
 * operation: a new route with a permission does not compile until it has one here, and the table
 * below covers it for every role.
 */
const REQUESTS: Record<
  GuardedRoute['operationId'],
  (scene: Scene) => { query?: string; body?: unknown; success: number }
> = {
  GetCredit: () => ({ success: 200 }),
  GrantCredit: () => ({ body: { amountCents: 300, reason: 'role test' }, success: 201 }),
  DeductCredit: () => ({ body: { amountCents: 100, reason: 'role test' }, success: 201 }),
  ListCreditTransactions: () => ({ success: 200 }),
  ListCustomers: () => ({ query: 'limit=5', success: 200 }),
  GetCustomer: () => ({ success: 200 }),
  SearchCustomers: (scene) => ({ query: `q=${scene.purchaseId}`, success: 200 }),
  GetProduct: () => ({ success: 200 }),
  CreatePromoCode: () => ({
    body: { code: unique('NEW').toUpperCase(), kind: 'FIXED', amountOffCents: 100 },
    success: 201,
  }),
  ListPromoCodes: () => ({ success: 200 }),
  GetPromoCode: () => ({ success: 200 }),
  UpdatePromoCode: () => ({ body: { maxRedemptions: 1_000 }, success: 200 }),
  CreatePurchase: (scene) => ({
    body: { customerId: scene.customerId, productId: scene.productId },
    success: 201,
  }),
  ListPurchases: (scene) => ({ query: `customerId=${scene.customerId}`, success: 200 }),
  GetPurchase: () => ({ success: 200 }),
  RefundPurchase: () => ({ body: { amountCents: 50, reason: 'role test' }, success: 201 }),
  ListRefunds: () => ({ success: 200 }),
  ListAudit: (scene) => ({ query: `entityType=CREDIT&entityId=${scene.customerId}`, success: 200 }),
};

/** The contract's open routes: health and the API's description (its page's own files with it). */
const PUBLIC_ROUTES = ['Health', 'GetOpenApiDocument', 'GetDocsPage', 'GetDocsAsset'];

const GUARDED = ROUTES.filter(
  (route): route is GuardedRoute => route.access !== 'public' && route.access !== 'authenticated',
);

/** The route's request in a scene: its path with the scene's ids, its query and its body. */
function requestOf(route: GuardedRoute, scene: Scene): { path: string; body?: unknown; success: number } {
  const { query, body, success } = REQUESTS[route.operationId](scene);
  const path = route.path
    .replace('{customerId}', scene.customerId)
    .replace('{purchaseId}', scene.purchaseId)
    .replace('{productId}', scene.productId)
    .replace('{code}', scene.promoCode);
  if (path.includes('{')) throw new Error(`no scene id for a parameter of ${route.path}`);
  return { path: query ? `${path}?${query}` : path, body, success };
}

const send = (
  route: GuardedRoute,
  scene: Scene,
  options: { as?: Caller | null; headers?: Record<string, string> },
) => {
  const { path, body } = requestOf(route, scene);
  return api<ErrorBody>(route.method, path, { body, ...options });
};

/** Everything a refused call could have changed, as the admin reads it. */
async function booksOf(scene: Scene): Promise<unknown> {
  const [credit, ledger, purchase, purchases] = await Promise.all([
    creditOf(scene.customerId),
    allTransactions(scene.customerId),
    api('GET', `/v1/purchases/${scene.purchaseId}`),
    allPages(`/v1/purchases?customerId=${scene.customerId}`),
  ]);
  return { credit, ledger, purchase: purchase.body, purchases };
}

/** The audit follows the stream: reads until a record matches (bounded, never timed). */
async function auditRecord(query: string, matches: (record: AuditRecord) => boolean): Promise<AuditRecord> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const answer = await api<Page<AuditRecord>>('GET', `/v1/audit?${query}&limit=100`);
    expect(answer.status).toBe(200);
    const found = answer.body.items.find(matches);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no audit record for ${query} within 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const expectUnauthenticated = (answer: ApiAnswer<ErrorBody>, reason?: RegExp): void => {
  expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({
    status: 401,
    code: 'UNAUTHENTICATED',
  });
  expect(answer.headers.get('www-authenticate')).toBe('Bearer');
  if (reason) expect(answer.body.error.details.reason).toMatch(reason);
};

const unique = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

/** The refused calls' target: every refused call is aimed at it, and it must end as it began. */
let victim: Scene;
/** Its credit's audit record just before the refused calls. */
let victimCreditRecord: AuditRecord;
/**
 * The allowed calls' scene, shared by every role: its credit and its purchase leave room for every
 * allowed grant, deduction, purchase and refund in any order.
 */
let allowedScene: Scene;

const CASES = ROLES.flatMap((role) =>
  GUARDED.map((route) => ({
    role,
    route,
    allowed: ROLE_PERMISSIONS[role].includes(route.access),
  })),
);

beforeAll(async () => {
  // Every caller's token, and both scenes, at once: the issuer and the stack take them in parallel.
  [allowedScene, victim] = await Promise.all([
    newScene(),
    newScene(),
    ...ROLES.map((role) => tokenFor({ role, sub: `test-${role}` })),
  ]);
  // The last write before the refused calls: once its record is in the trail, so is every earlier one.
  const marker = await grant(victim.customerId, 1);
  expect(marker.status).toBe(201);
  const { updatedAt } = marker.body.credit;
  victimCreditRecord = await auditRecord(
    `entityType=CREDIT&entityId=${victim.customerId}`,
    (record) => record.after?.updatedAt === updatedAt,
  );
}, 60_000);

afterAll(async () => {
  await expectBooksToBalance();
});

describe('every role on every guarded route (generated from ROUTES and ROLE_PERMISSIONS)', () => {
  it('covers every route of ROUTES: guarded ones here, the public ones and $default below', () => {
    const covered = [...GUARDED.map((route) => route.operationId), ...PUBLIC_ROUTES, 'RouteNotFound'];

    expect(ROUTES.map((route) => route.operationId).sort()).toEqual(covered.sort());
    expect(ROUTES.filter((route) => route.access === 'public').map((route) => route.operationId)).toEqual(
      PUBLIC_ROUTES,
    );
  });

  it.each(CASES.filter((item) => item.allowed))(
    '$role may call $route.method $route.path ($route.access): it succeeds',
    async ({ role, route }) => {
      const { success } = requestOf(route, allowedScene);

      const answer = await send(route, allowedScene, { as: { role, sub: `test-${role}` } });

      expect({ status: answer.status, body: answer.body }).toMatchObject({ status: success });
    },
  );

  it.each(CASES.filter((item) => !item.allowed))(
    '$role may not call $route.method $route.path: 403 FORBIDDEN naming the role and the $route.access permission, nothing changed',
    async ({ role, route }) => {
      const before = await booksOf(victim);

      const answer = await send(route, victim, { as: { role, sub: `test-${role}` } });

      expect(answer.status).toBe(403);
      expect(answer.body.error).toMatchObject({
        code: 'FORBIDDEN',
        details: { roles: [role], lacks: route.access },
      });
      expect(answer.body.error.message).toContain(`'${role}'`);
      expect(answer.body.error.message).toContain(`'${route.access}'`);
      expect(await booksOf(victim)).toEqual(before);
    },
  );

  it('answers the public routes without a token', async () => {
    const answers = await Promise.all(
      ROUTES.filter((route) => route.access === 'public').map((route) =>
        api(route.method, route.path.replace('{asset}', 'swagger-ui.css'), { as: null }),
      ),
    );

    expect(answers.map((answer) => answer.status)).toEqual(PUBLIC_ROUTES.map(() => 200));
  });

  it('answers an unknown route 401 without a token, so that probing learns nothing', async () => {
    const answers = await Promise.all([
      api<ErrorBody>('GET', '/v1/no-such-route', { as: null }),
      api<ErrorBody>('DELETE', `/v1/purchases/${victim.purchaseId}`, { as: null }),
    ]);

    for (const answer of answers) expectUnauthenticated(answer);
  });

  it.each(ROLES)('answers an unknown route 404 ROUTE_NOT_FOUND to a valid %s token', async (role) => {
    const answers = await Promise.all([
      api<ErrorBody>('GET', '/v1/no-such-route', { as: { role, sub: `test-${role}` } }),
      api<ErrorBody>('DELETE', `/v1/purchases/${victim.purchaseId}`, { as: { role, sub: `test-${role}` } }),
    ]);

    expect(answers.map((answer) => [answer.status, answer.body.error.code])).toEqual([
      [404, 'ROUTE_NOT_FOUND'],
      [404, 'ROUTE_NOT_FOUND'],
    ]);
  });
});

/** The issuer's public key, as an attacker would fetch it from the JWKS. */
function issuerPublicKey(): { jwk: JWK; pem: string } {
  const [key] = (JSON.parse(readFileSync(stackUrls().oidc.keysFile, 'utf8')) as { keys: JWK[] }).keys;
  if (!key?.n || !key.e) throw new Error('the issuer has no RSA key');
  const jwk: JWK = { kty: 'RSA', n: key.n, e: key.e, ...(key.kid ? { kid: key.kid } : {}) };
  const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
  return { jwk, pem };
}

/** The key-confusion attack: HS256 "signed" with the public key as the HMAC secret. */
async function hmacWithPublicKey(secret: Uint8Array): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const { kid } = issuerPublicKey().jwk;
  return new SignJWT({ scope: 'purchase-api/admin' })
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', ...(kid ? { kid } : {}) })
    .setIssuer(stackUrls().oidc.issuer)
    .setAudience('purchase-api')
    .setSubject('test-admin')
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(secret);
}

/** `sub: undefined` takes the default subject away (JSON drops it); the type has no word for that. */
const WITHOUT_SUB = { sub: undefined } as unknown as JWTPayload;

const now = (): number => Math.floor(Date.now() / 1000);
const bearer = async (token: Promise<string> | string): Promise<Record<string, string>> => ({
  authorization: `Bearer ${await token}`,
});

/**
 * Credentials the service must refuse, each with what the 401 should say. Every one carries an admin's
 * role, so that only the credential itself is wrong.
 */
const BAD_CREDENTIALS: [string, () => Promise<Record<string, string> | null>, RegExp][] = [
  ['no Authorization header', async () => null, /no Authorization header/],
  [
    'another scheme (Basic)',
    async () => ({ authorization: `Basic ${Buffer.from('test-admin:secret').toString('base64')}` }),
    /not `Bearer <JWT>`/,
  ],
  [
    'a valid token without the Bearer scheme',
    async () => ({ authorization: await tokenFor(TEST_ADMIN) }),
    /not `Bearer <JWT>`/,
  ],
  ['a malformed token', () => bearer('not-a-jwt'), /not `Bearer <JWT>`/],
  ['three segments of nonsense', () => bearer('aaaa.bbbb.cccc'), /malformed/],
  [
    'a forged token (a foreign key under the issuer key id)',
    () => bearer(forged({})),
    /not signed by the trusted issuer/,
  ],
  ['an unsigned token (alg: none)', async () => bearer(unsigned()), /accepted algorithm/],
  [
    "HS256 with the issuer's public key (PEM) as the secret",
    () => bearer(hmacWithPublicKey(new TextEncoder().encode(issuerPublicKey().pem))),
    /accepted algorithm/,
  ],
  [
    "HS256 with the issuer's public modulus (the JWK's n bytes) as the secret",
    () => bearer(hmacWithPublicKey(base64url.decode(issuerPublicKey().jwk.n ?? ''))),
    /accepted algorithm/,
  ],
  [
    'an expired token (10 s past exp, beyond the 5 s tolerance)',
    () => bearer(signedByIssuer({ iat: now() - 310, exp: now() - 10 })),
    /expired/,
  ],
  ['a token not yet valid (nbf in 60 s)', () => bearer(signedByIssuer({ nbf: now() + 60 })), /nbf/],
  ['a token for another audience', () => bearer(signedByIssuer({ aud: 'other-api' })), /audience/],
  ['a token from another issuer', () => bearer(signedByIssuer({ iss: 'https://issuer.example.com' })), /iss/],
  ['an ID token (token_use: id)', () => bearer(signedByIssuer({ token_use: 'id' })), /not an access token/],
  ['a token with no sub', () => bearer(signedByIssuer(WITHOUT_SUB)), /sub/],
  ['a token whose sub is empty', () => bearer(signedByIssuer({ sub: '' })), /sub|subject/],
];

describe('401 UNAUTHENTICATED with www-authenticate: Bearer', () => {
  it("accepts a token signed by the issuer's key with the default claims (the control for the cases below)", async () => {
    const answer = await api('GET', `/v1/customers/${victim.customerId}/credit`, {
      as: null,
      headers: await bearer(signedByIssuer({})),
    });

    expect(answer.status).toBe(200);
  });

  it.each(BAD_CREDENTIALS)(
    'for %s, on every guarded route, and nothing changes',
    async (_, credential, reason) => {
      const headers = await credential();
      const before = await booksOf(victim);

      const answers = await Promise.all(
        GUARDED.map((route) => send(route, victim, headers ? { as: null, headers } : { as: null })),
      );

      for (const answer of answers) expectUnauthenticated(answer, reason);
      expect(await booksOf(victim)).toEqual(before);
    },
  );

  // After every refused call above: a marker write, and its record must follow the last one before them.
  it('left nothing in the audit trail of the refused calls: the next records of the credit and the purchase follow the ones before', async () => {
    const marker = await api<{ purchase: Purchase; refund: { id: string } }>(
      'POST',
      `/v1/purchases/${victim.purchaseId}/refunds`,
      { body: { amountCents: 1, reason: 'marker' } },
    );
    expect(marker.status).toBe(201);
    const { updatedAt } = await creditOf(victim.customerId);

    const [credit, purchase] = await Promise.all([
      auditRecord(
        `entityType=CREDIT&entityId=${victim.customerId}`,
        (record) => record.after?.updatedAt === updatedAt,
      ),
      auditRecord(
        `entityType=PURCHASE&entityId=${victim.purchaseId}`,
        (record) => record.after?.refundedCents === 1,
      ),
    ]);

    expect(credit.sequence).toBe(victimCreditRecord.sequence + 1);
    // The purchase was created once (1) and changed once since, by the marker.
    expect(purchase.sequence).toBe(2);
  });
});

describe("the actor is the token's sub, whatever x-actor says", () => {
  it('for a grant: the ledger entry and the credit audit name the sub', async () => {
    const { customerId } = await customerAndProduct(0, PRICE_DOLLARS);
    const rep = unique('rep-grant');

    const granted = await grant(customerId, 700, { 'x-actor': 'mallory' }, { role: 'support', sub: rep });

    expect(granted.status).toBe(201);
    expect(granted.body.transaction.actor).toBe(rep);
    expect((await allTransactions(customerId)).map((entry) => entry.actor)).toEqual([rep]);
    const record = await auditRecord(`entityType=CREDIT&entityId=${customerId}`, () => true);
    expect(record.actor).toBe(rep);
    const entry = await auditRecord(
      `entityType=CREDIT_TRANSACTION&entityId=${granted.body.transaction.id}`,
      () => true,
    );
    expect(entry.actor).toBe(rep);
  });

  it('for a purchase by a service caller and a refund by a support caller: ledger, refund and audit name the subs', async () => {
    const { customerId, productId } = await customerAndProduct(5_000, PRICE_DOLLARS);
    const storefront = unique('storefront');
    const rep = unique('rep-refund');

    const bought = await api<Purchase>('POST', '/v1/purchases', {
      body: { customerId, productId },
      headers: { 'x-actor': 'mallory' },
      as: { role: 'service', sub: storefront },
    });
    expect(bought.status).toBe(201);
    const refunded = await api<{ refund: { actor: string } }>(
      'POST',
      `/v1/purchases/${bought.body.id}/refunds`,
      {
        body: { amountCents: 50, reason: 'scratched' },
        headers: { 'x-actor': 'mallory' },
        as: { role: 'support', sub: rep },
      },
    );

    expect(refunded.status).toBe(201);
    expect(refunded.body.refund.actor).toBe(rep);
    const ledger = await allTransactions(customerId);
    expect(
      ledger.filter((entry) => entry.purchaseId === bought.body.id).map((entry) => [entry.type, entry.actor]),
    ).toEqual([
      ['REFUND', rep],
      ['PURCHASE', storefront],
    ]);
    const refunds = await allPages<{ actor: string }>(`/v1/purchases/${bought.body.id}/refunds`);
    expect(refunds.map((item) => item.actor)).toEqual([rep]);
    await auditRecord(`entityType=PURCHASE&entityId=${bought.body.id}`, (record) => record.sequence === 2);
    const trail = await api<Page<AuditRecord>>(
      'GET',
      `/v1/audit?entityType=PURCHASE&entityId=${bought.body.id}`,
    );
    expect(trail.body.items.map((record) => [record.action, record.actor])).toEqual([
      ['UPDATED', rep],
      ['CREATED', storefront],
    ]);
    const reservation = await auditRecord(
      `entityType=RESERVATION&entityId=${bought.body.id}`,
      (record) => record.after?.status === 'COMMITTED',
    );
    expect(reservation.actor).toBe(storefront);
  });
});

describe('Idempotency-Keys are scoped to the caller', () => {
  const body = { amountCents: 400, reason: 'same key' };
  const grantAs = (customerId: string, sub: string, key: string, amountCents = 400) =>
    api<{ transaction: { id: string; actor: string } }>('POST', `/v1/customers/${customerId}/credit/grants`, {
      body: { ...body, amountCents },
      headers: { 'idempotency-key': key },
      as: { role: 'support', sub },
    });

  it('two callers with the same key and body each get their own grant, neither a replay', async () => {
    const { customerId } = await customerAndProduct(0, PRICE_DOLLARS);
    const key = unique('shared-key');
    const [ann, bob] = [unique('rep-ann'), unique('rep-bob')];

    const first = await grantAs(customerId, ann, key);
    const second = await grantAs(customerId, bob, key);

    expect([first.status, second.status]).toEqual([201, 201]);
    expect([first.headers.get('idempotent-replayed'), second.headers.get('idempotent-replayed')]).toEqual([
      null,
      null,
    ]);
    expect(second.body.transaction.id).not.toBe(first.body.transaction.id);
    const ledger = await allTransactions(customerId);
    expect(ledger.map((entry) => [entry.amountCents, entry.actor])).toEqual([
      [400, bob],
      [400, ann],
    ]);
    expect((await creditOf(customerId)).balanceCents).toBe(800);
  });

  it('two callers with the same key and different bodies are both served, no IDEMPOTENCY_KEY_REUSED', async () => {
    const { customerId } = await customerAndProduct(0, PRICE_DOLLARS);
    const key = unique('shared-key');

    const first = await grantAs(customerId, unique('rep-ann'), key, 400);
    const second = await grantAs(customerId, unique('rep-bob'), key, 900);

    expect([first.status, second.status]).toEqual([201, 201]);
    expect((await creditOf(customerId)).balanceCents).toBe(1_300);
  });

  it('the same caller reusing its key gets its first answer again, marked as a replay', async () => {
    const { customerId } = await customerAndProduct(0, PRICE_DOLLARS);
    const key = unique('own-key');
    const ann = unique('rep-ann');

    const first = await grantAs(customerId, ann, key);
    const again = await grantAs(customerId, ann, key);
    const otherBody = await api<ErrorBody>('POST', `/v1/customers/${customerId}/credit/grants`, {
      body: { ...body, amountCents: 401 },
      headers: { 'idempotency-key': key },
      as: { role: 'support', sub: ann },
    });

    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect([otherBody.status, otherBody.body.error.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect(await allTransactions(customerId)).toHaveLength(1);
  });

  it('a refused request claims no key: the real caller with the same key and body is served afresh', async () => {
    const { customerId } = await customerAndProduct(0, PRICE_DOLLARS);
    const key = unique('claimed-by-a-forger');
    const path = `/v1/customers/${customerId}/credit/grants`;
    const viewer = { role: 'viewer', sub: 'test-admin' } as const;

    const forgery = await api<ErrorBody>('POST', path, {
      body,
      as: null,
      headers: { 'idempotency-key': key, ...(await bearer(forged({ sub: 'test-admin' }))) },
    });
    const forbidden = await api<ErrorBody>('POST', path, {
      body,
      as: viewer,
      headers: { 'idempotency-key': key },
    });
    const real = await api('POST', path, { body, headers: { 'idempotency-key': key } });

    expect([forgery.status, forbidden.status]).toEqual([401, 403]);
    expect(real.status).toBe(201);
    expect(real.headers.get('idempotent-replayed')).toBeNull();
  });

  it('two callers with the same key make two purchases, each with its own shipment key', async () => {
    const { customerId, productId, sku } = await customerAndProduct(5_000, PRICE_DOLLARS);
    const key = unique('shared-purchase-key');
    const buyAs = (sub: string) =>
      api<Purchase>('POST', '/v1/purchases', {
        body: { customerId, productId },
        headers: { 'idempotency-key': key },
        as: { role: 'service', sub },
      });

    const first = await buyAs(unique('storefront-eu'));
    const second = await buyAs(unique('storefront-us'));

    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(second.body.id).not.toBe(first.body.id);
    expect(second.body.shipmentId).not.toBe(first.body.shipmentId);
    const shipments = (await callLog()).filter(
      (call) =>
        call.operation === 'CreateShipment' &&
        (call.body as { products?: { sku: string }[] } | undefined)?.products?.[0]?.sku === sku,
    );
    expect(shipments).toHaveLength(2);
    expect(new Set(shipments.map((call) => call.idempotencyKey)).size).toBe(2);
    expect((await creditOf(customerId)).balanceCents).toBe(5_000 - 2 * PRICE_DOLLARS * 100);
  });
});

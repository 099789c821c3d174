import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPair, type JWK, SignJWT } from 'jose';
import type { Role } from '../../../functions/auth/roles.ts';
import { issueLocalToken } from '../../../local/oidc-clients.ts';
import { type StackProcess, type StackWhereabouts, startStackProcess } from '../../support/stack-process.ts';

/**
 * The local gateway's per-caller token bucket, on a stack of its own: a burst of 5 and a refill so
 * slow (one token in 1,000 s) that none comes back during the test. Deterministic: no waiting, no
 * timing, only counting.
 */
const BURST = 5;

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

const dir = mkdtempSync(join(tmpdir(), 'purchase-throttle-'));
let stack: StackProcess;
let where: StackWhereabouts;
let customerId: string;

async function call(
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
  baseUrl = where.apiUrl,
): Promise<Answer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
}

const tokenOf = (sub: string, role: Role = 'viewer'): Promise<string> =>
  issueLocalToken(where.oidc.tokenEndpoint, sub, role);

/** One after the other: the bucket counts them in order. */
async function inTurn(count: number, request: () => Promise<Answer>): Promise<number[]> {
  const statuses: number[] = [];
  for (let index = 0; index < count; index++) statuses.push((await request()).status);
  return statuses;
}

const readCredit = (token: string): Promise<Answer> =>
  call('GET', `/v1/customers/${customerId}/credit`, token);

/** Every claim right for this stack's issuer, signed with a key it never had. */
async function forgedFor(sub: string): Promise<string> {
  const [issuerKey] = (JSON.parse(readFileSync(where.oidc.keysFile, 'utf8')) as { keys: JWK[] }).keys;
  const { privateKey } = await generateKeyPair('RS256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: 'purchase-api/admin' })
    .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: issuerKey?.kid ?? 'k' })
    .setIssuer(where.oidc.issuer)
    .setAudience('purchase-api')
    .setSubject(sub)
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(privateKey);
}

beforeAll(async () => {
  stack = startStackProcess({
    PORT: '0',
    MOCK_API_PORT: '0',
    DYNAMODB_PORT: '0',
    DYNAMODB_IN_MEMORY: '1',
    SEED_DEMO_DATA: '0',
    LOCAL_STACK_READY_FILE: join(dir, 'ready.json'),
    THROTTLE_BURST: String(BURST),
    THROTTLE_RATE_PER_SECOND: '0.001',
  });
  where = await stack.waitForReady(90_000);
  const address = { line1: '1 Test St', city: 'Testville', postalCode: '00001', state: 'TS', country: 'US' };
  const customer = await call(
    'POST',
    '/customers',
    undefined,
    { name: 'Throttled', email: 't@example.com', billingAddress: address, shippingAddress: address },
    where.mockApiUrl,
  );
  customerId = customer.body.id as string;
}, 120_000);

afterAll(async () => {
  await stack?.killGroup();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('the local gateway throttles each caller (burst 5, no refill during the test)', () => {
  it("answers a caller's 6th request 429 THROTTLED with Retry-After, in the contract's error shape", async () => {
    const token = await tokenOf('throttle-ann');

    const statuses = await inTurn(BURST, () => readCredit(token));
    const sixth = await readCredit(token);

    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(sixth.status).toBe(429);
    const retryAfter = sixth.headers.get('retry-after');
    expect(retryAfter).toMatch(/^[1-9]\d*$/);
    // One token in 1,000 s: the bucket is nearly empty, so Retry-After is close to that.
    expect(Number(retryAfter)).toBeGreaterThan(900);
    expect(Number(retryAfter)).toBeLessThanOrEqual(1_000);
    expect(sixth.headers.get('content-type')).toMatch(/^application\/json/);
    expect(sixth.body).toEqual({
      error: {
        code: 'THROTTLED',
        message: expect.any(String),
        details: { retryAfterSeconds: Number(retryAfter) },
        requestId: sixth.headers.get('x-request-id'),
      },
    });
  });

  it('changes nothing for a throttled grant: the balance and the ledger, read by another caller, are as before', async () => {
    const rep = await tokenOf('throttle-rep', 'support');
    const admin = await tokenOf('throttle-admin', 'admin');
    const grant = { amountCents: 2_500, reason: 'throttled' };
    await inTurn(BURST, () => readCredit(rep));

    const throttled = await call('POST', `/v1/customers/${customerId}/credit/grants`, rep, grant);

    expect(throttled.status).toBe(429);
    const [credit, ledger] = await Promise.all([
      readCredit(admin),
      call('GET', `/v1/customers/${customerId}/credit/transactions`, admin),
    ]);
    expect(credit.body).toMatchObject({ balanceCents: 0, availableCents: 0, heldCents: 0 });
    expect(ledger.body.items).toEqual([]);
    // The same request from a caller with tokens left is served: only the throttle stopped it.
    const served = await call('POST', `/v1/customers/${customerId}/credit/grants`, admin, grant);
    expect(served.status).toBe(201);
    expect((await readCredit(admin)).body).toMatchObject({ balanceCents: 2_500 });
  });

  it("does not throttle a caller for another one's use", async () => {
    const first = await tokenOf('throttle-first');
    const second = await tokenOf('throttle-second');
    await inTurn(BURST, () => readCredit(first));

    const firstAgain = await readCredit(first);
    const secondStatuses = await inTurn(BURST, () => readCredit(second));

    expect(firstAgain.status).toBe(429);
    expect(secondStatuses).toEqual([200, 200, 200, 200, 200]);
  });

  it("counts a forged token with the victim's sub by the address, not from the victim's bucket", async () => {
    const victim = await tokenOf('throttle-victim');
    const forgery = await forgedFor('throttle-victim');
    const opening = await readCredit(victim);

    // Nothing else in this file sends a request without a valid token: the address bucket is full.
    const forgedStatuses = await inTurn(BURST + 1, () => readCredit(forgery));
    const victimStatuses = await inTurn(BURST, () => readCredit(victim));

    expect(opening.status).toBe(200);
    expect(forgedStatuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect(victimStatuses).toEqual([200, 200, 200, 200, 429]);
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import {
  allPages,
  allTransactions,
  api,
  callLog,
  createCustomer,
  createProduct,
  creditOf,
  customerAndProduct,
  grant,
  mock,
  setFaults,
} from '../support/api-client.ts';
import { expectBooksToBalance } from '../support/reconcile.ts';

interface PromoCode {
  code: string;
  kind: string;
  active: boolean;
  redemptions: number;
  [field: string]: unknown;
}
interface Purchase {
  id: string;
  subtotalCents: number;
  discountCents: number;
  totalCents: number;
  promoCode?: string;
  shipmentId: string;
}
interface ApiError {
  error: { code: string; details: Record<string, unknown> & { reason?: string } };
}

const BUYER = { role: 'service', sub: 'storefront-promo' } as const;

/** A code of its own for each test, so that runs never share redemptions. */
const uniqueCode = (prefix = 'T'): string => `${prefix}-${randomUUID().slice(0, 8)}`.toUpperCase();

async function createCode(fields: Record<string, unknown>): Promise<PromoCode> {
  const answer = await api<PromoCode>('POST', '/v1/promo-codes', {
    body: { code: uniqueCode(), kind: 'PERCENT', percentOff: 10, ...fields },
  });
  expect(answer.status).toBe(201);
  return answer.body;
}

const buy = ({
  customerId,
  productId,
  quantity,
  promoCode,
}: {
  customerId: string;
  productId: string;
  quantity?: number;
  promoCode?: string;
}) =>
  api<Purchase & ApiError>('POST', '/v1/purchases', {
    body: { customerId, productId, quantity, promoCode },
    as: BUYER,
  });

const promoCode = async (code: string): Promise<PromoCode> =>
  (await api<PromoCode>('GET', `/v1/promo-codes/${code}`)).body;

afterAll(async () => {
  await expectBooksToBalance();
});

describe('promo code routes', () => {
  it('creates a code stored upper-case, reads it in any case, and refuses to create it twice with 409 CONFLICT', async () => {
    const code = uniqueCode().toLowerCase();

    const created = await api<PromoCode>('POST', '/v1/promo-codes', {
      body: { code, kind: 'FIXED', amountOffCents: 500, maxRedemptions: 10, productIds: ['p-1', 'p-1'] },
    });
    const read = await api<PromoCode>('GET', `/v1/promo-codes/${code}`);
    const again = await api<ApiError>('POST', '/v1/promo-codes', {
      body: { code: code.toUpperCase(), kind: 'PERCENT', percentOff: 5 },
    });

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      code: code.toUpperCase(),
      kind: 'FIXED',
      amountOffCents: 500,
      maxRedemptions: 10,
      productIds: ['p-1'],
      active: true,
      redemptions: 0,
    });
    expect(created.body).not.toHaveProperty('claimedRedemptions');
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');
  });

  it.each([
    ['a PERCENT code without percentOff', { kind: 'PERCENT' }, 'body.percentOff'],
    ['a FIXED code with percentOff', { kind: 'FIXED', amountOffCents: 1, percentOff: 5 }, 'body.percentOff'],
    ['a percentOff over 100', { kind: 'PERCENT', percentOff: 101 }, 'body.percentOff'],
    ['a code with a space', { code: 'NO SPACE', kind: 'PERCENT', percentOff: 5 }, 'body.code'],
    [
      'an end before its start',
      {
        kind: 'PERCENT',
        percentOff: 5,
        validFrom: '2027-01-02T00:00:00Z',
        validUntil: '2027-01-01T00:00:00Z',
      },
      'body.validUntil',
    ],
  ])('refuses %s with 400 naming the field', async (_name, fields, path) => {
    const answer = await api<{ error: { details: { path: string }[] } }>('POST', '/v1/promo-codes', {
      body: { code: uniqueCode(), ...fields },
    });

    expect(answer.status).toBe(400);
    expect(answer.body.error.details.map((issue) => issue.path)).toContain(path);
  });

  it('deactivates a code, answers 404 for a code that does not exist, and lists codes by code with cursors', async () => {
    const first = await createCode({});
    const second = await createCode({});

    const patched = await api<PromoCode>('PATCH', `/v1/promo-codes/${first.code}`, {
      body: { active: false, maxRedemptions: 7 },
    });
    const missing = await api<ApiError>('GET', '/v1/promo-codes/NO-SUCH-CODE-EVER');
    const patchMissing = await api<ApiError>('PATCH', '/v1/promo-codes/NO-SUCH-CODE-EVER', {
      body: { active: false },
    });
    const listed = await allPages<PromoCode>('/v1/promo-codes');

    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ code: first.code, active: false, maxRedemptions: 7 });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('PROMO_CODE_NOT_FOUND');
    expect(patchMissing.status).toBe(404);
    const codes = listed.map((code) => code.code);
    expect(codes).toEqual([...codes].sort());
    expect(codes).toEqual(expect.arrayContaining([first.code, second.code]));
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('lets only an admin create or change a code, and anyone read it', async () => {
    const code = await createCode({});

    const bySupport = await api<ApiError>('POST', '/v1/promo-codes', {
      body: { code: uniqueCode(), kind: 'PERCENT', percentOff: 5 },
      as: { role: 'support' },
    });
    const patchByService = await api<ApiError>('PATCH', `/v1/promo-codes/${code.code}`, {
      body: { active: false },
      as: { role: 'service' },
    });
    const readByViewer = await api('GET', `/v1/promo-codes/${code.code}`, { as: { role: 'viewer' } });

    expect(bySupport.status).toBe(403);
    expect(patchByService.status).toBe(403);
    expect(readByViewer.status).toBe(200);
    expect((await promoCode(code.code)).active).toBe(true);
  });
});

describe('a purchase with a promo code', () => {
  it('takes floor(subtotal × percent / 100) off, on odd cents, and counts the redemption', async () => {
    const { customerId, productId } = await customerAndProduct(10_000, 0.99);
    const code = await createCode({ kind: 'PERCENT', percentOff: 15 });

    const answer = await buy({ customerId, productId, quantity: 3, promoCode: code.code.toLowerCase() });

    // 3 × 99 = 297; 15 % of it is 44.55, of which 44 come off.
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      subtotalCents: 297,
      discountCents: 44,
      totalCents: 253,
      promoCode: code.code,
    });
    expect(await creditOf(customerId)).toMatchObject({ balanceCents: 10_000 - 253, heldCents: 0 });
    expect((await promoCode(code.code)).redemptions).toBe(1);
  });

  it('ships and charges nothing when a FIXED discount covers the whole subtotal', async () => {
    const { customerId, productId } = await customerAndProduct(1_000, 2.5);
    const code = await createCode({ kind: 'FIXED', percentOff: undefined, amountOffCents: 10_000 });
    await mock('DELETE', '/__control/calls');

    const answer = await buy({ customerId, productId, promoCode: code.code });

    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ subtotalCents: 250, discountCents: 250, totalCents: 0 });
    expect(answer.body.shipmentId).toEqual(expect.any(String));
    expect((await callLog()).filter((call) => call.operation === 'CreateShipment')).toHaveLength(1);
    expect(await creditOf(customerId)).toMatchObject({ balanceCents: 1_000, availableCents: 1_000 });
  });

  it('refunds a discounted purchase by quantity as shares of what was paid, not of the subtotal', async () => {
    const { customerId, productId } = await customerAndProduct(10_000, 10);
    const code = await createCode({ kind: 'FIXED', percentOff: undefined, amountOffCents: 333 });
    const purchase = await buy({ customerId, productId, quantity: 3, promoCode: code.code });
    expect(purchase.body.totalCents).toBe(3_000 - 333);

    const refunds = [];
    for (let unit = 0; unit < 3; unit += 1) {
      refunds.push(
        await api<{ refund: { amountCents: number } }>('POST', `/v1/purchases/${purchase.body.id}/refunds`, {
          body: { quantity: 1, reason: 'returned' },
        }),
      );
    }

    expect(refunds.map((refund) => refund.body.refund.amountCents)).toEqual([889, 889, 889]);
    expect(refunds.reduce((sum, refund) => sum + refund.body.refund.amountCents, 0)).toBe(2_667);
    expect(await creditOf(customerId)).toMatchObject({ balanceCents: 10_000 });
  });

  it('gives the redemption back when the shipment fails, so that a retry can use it', async () => {
    const { customerId, productId } = await customerAndProduct(5_000, 10);
    const code = await createCode({ maxRedemptions: 1 });
    await setFaults([{ operation: 'CreateShipment', kind: 'status', status: 500, count: 1 }]);

    const failed = await buy({ customerId, productId, promoCode: code.code });
    const afterFailure = await promoCode(code.code);
    const retried = await buy({ customerId, productId, promoCode: code.code });

    expect(failed.status).toBe(502);
    expect(failed.body.error.code).toBe('SHIPMENT_FAILED');
    expect(afterFailure.redemptions).toBe(0);
    expect(retried.status).toBe(201);
    expect(retried.body.discountCents).toBe(100);
    expect((await promoCode(code.code)).redemptions).toBe(1);
  });

  it('lets exactly 3 of 10 concurrent purchases use a code with maxRedemptions 3', async () => {
    const code = await createCode({ maxRedemptions: 3 });
    const buyers = await Promise.all(Array.from({ length: 10 }, () => customerAndProduct(5_000, 10)));

    const answers = await Promise.all(buyers.map((buyer) => buy({ ...buyer, promoCode: code.code })));

    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([201, 201, 201, 422, 422, 422, 422, 422, 422, 422]);
    for (const refused of answers.filter((answer) => answer.status === 422)) {
      expect(refused.body.error).toMatchObject({
        code: 'PROMO_CODE_INVALID',
        details: { reason: 'EXHAUSTED' },
      });
    }
    expect((await promoCode(code.code)).redemptions).toBe(3);
    // The refused ones hold nothing and took nothing.
    const credits = await Promise.all(buyers.map((buyer) => creditOf(buyer.customerId)));
    expect(credits.filter((credit) => credit.balanceCents === 5_000 && credit.heldCents === 0)).toHaveLength(
      7,
    );
  });

  it('holds maxRedemptionsPerCustomer under concurrent purchases of one customer', async () => {
    const customerId = await createCustomer();
    await grant(customerId, 50_000);
    const product = await createProduct(10);
    const code = await createCode({ maxRedemptionsPerCustomer: 2 });

    const answers = await Promise.all(
      Array.from({ length: 4 }, () => buy({ customerId, productId: product.id, promoCode: code.code })),
    );
    const other = await customerAndProduct(5_000, 10);
    const otherCustomer = await buy({ ...other, promoCode: code.code });

    const succeeded = answers.filter((answer) => answer.status === 201);
    expect(succeeded).toHaveLength(2);
    for (const refused of answers.filter((answer) => answer.status !== 201)) {
      expect(refused.status).toBe(422);
      expect(refused.body.error.details.reason).toBe('ALREADY_USED_BY_CUSTOMER');
    }
    expect(otherCustomer.status).toBe(201);
    const purchases = (await allTransactions(customerId)).filter((entry) => entry.type === 'PURCHASE');
    expect(purchases).toHaveLength(2);
    expect(await creditOf(customerId)).toMatchObject({ balanceCents: 50_000 - 2 * 900, heldCents: 0 });
  });

  describe('refuses a code that does not apply with 422 PROMO_CODE_INVALID, charging and holding nothing', () => {
    const past = '2020-01-01T00:00:00.000Z';
    const future = '2099-01-01T00:00:00.000Z';
    it.each([
      ['UNKNOWN', async () => 'NO-SUCH-CODE-9'],
      [
        'INACTIVE',
        async () => {
          const code = await createCode({});
          await api('PATCH', `/v1/promo-codes/${code.code}`, { body: { active: false } });
          return code.code;
        },
      ],
      ['NOT_STARTED', async () => (await createCode({ validFrom: future })).code],
      ['EXPIRED', async () => (await createCode({ validUntil: past })).code],
      [
        'EXHAUSTED',
        async () => {
          const code = await createCode({ maxRedemptions: 1 });
          const { customerId, productId } = await customerAndProduct(5_000, 10);
          expect((await buy({ customerId, productId, promoCode: code.code })).status).toBe(201);
          return code.code;
        },
      ],
      ['BELOW_MINIMUM', async () => (await createCode({ minSubtotalCents: 1_001 })).code],
      ['NOT_FOR_THIS_PRODUCT', async () => (await createCode({ productIds: [randomUUID()] })).code],
      [
        'ALREADY_USED_BY_CUSTOMER',
        async (buyer: { customerId: string; productId: string }) => {
          const code = await createCode({ maxRedemptionsPerCustomer: 1 });
          expect((await buy({ ...buyer, promoCode: code.code })).status).toBe(201);
          return code.code;
        },
      ],
    ] as const)('%s', async (reason, codeFor) => {
      const buyer = await customerAndProduct(5_000, 10);
      const code = await codeFor(buyer);
      const before = await creditOf(buyer.customerId);
      const ledgerBefore = await allTransactions(buyer.customerId);

      const answer = await buy({ ...buyer, promoCode: code });

      expect(answer.status).toBe(422);
      expect(answer.body.error).toMatchObject({ code: 'PROMO_CODE_INVALID', details: { reason } });
      expect(await creditOf(buyer.customerId)).toEqual(before);
      expect(await allTransactions(buyer.customerId)).toEqual(ledgerBefore);
    });
  });
});

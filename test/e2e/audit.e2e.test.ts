import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { Schemas } from '../../clients/typescript/src/index.ts';
import { api, client, createCustomer, createProduct, dataOf, errorOf, grant } from '../support/api-client.ts';
import { expectBooksToBalance } from '../support/reconcile.ts';

type AuditQuery = { entityType: Schemas['AuditRecord']['entityType']; entityId: string };
const readAudit = (query: AuditQuery) => client().GET('/v1/audit', { params: { query } });
/**
 * A record as the typed client reads it. openapi-fetch 0.17 leaves out of its answer types a property
 * that can only be null (a creation's `before`, a deletion's `after`): narrow on `action` to read them.
 */
type AuditRecord = NonNullable<Awaited<ReturnType<typeof readAudit>>['data']>['items'][number];

/** The audit follows the stream: reads until `count` records are there (bounded, never timed). */
async function trail(query: AuditQuery, count: number): Promise<AuditRecord[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { items } = dataOf(await readAudit(query));
    if (items.length >= count || Date.now() > deadline) return items;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The entity as its trail says it is now, read as the contract puts it: CREATED's `after` is the
 * whole item, an UPDATED record holds what changed (an attribute in `before` but not in `after` is gone).
 */
function fold(newestFirst: AuditRecord[]): Record<string, unknown> {
  let state: Record<string, unknown> = {};
  for (const record of [...newestFirst].reverse()) {
    if (record.action === 'CREATED') state = { ...record.after };
    if (record.action === 'UPDATED') {
      for (const name of Object.keys(record.before)) if (!(name in record.after)) delete state[name];
      state = { ...state, ...record.after };
    }
  }
  return state;
}

describe('GET /v1/audit', () => {
  it('shows every change of a purchase and of the credit behind it, newest first, with who made it', async () => {
    const customerId = await createCustomer();
    const product = await createProduct(4);
    await grant(customerId, 1_000, {}, { role: 'support', sub: 'rep-grant' });
    const purchase = await api<Schemas['Purchase']>('POST', '/v1/purchases', {
      body: { customerId, productId: product.id },
      as: { role: 'service', sub: 'storefront-buy' },
    });
    await api('POST', `/v1/purchases/${purchase.body.id}/refunds`, {
      body: { amountCents: 100, reason: 'scratched' },
      as: { role: 'support', sub: 'rep-refund' },
    });

    const purchaseTrail = await trail({ entityType: 'PURCHASE', entityId: purchase.body.id }, 2);
    const creditTrail = await trail({ entityType: 'CREDIT', entityId: customerId }, 4);
    const reservationTrail = await trail({ entityType: 'RESERVATION', entityId: purchase.body.id }, 4);

    expect(purchaseTrail.map((record) => [record.sequence, record.action, record.actor])).toEqual([
      [2, 'UPDATED', 'rep-refund'],
      [1, 'CREATED', 'storefront-buy'],
    ]);
    const refunded = purchaseTrail[0];
    expect(refunded?.action === 'UPDATED' && refunded.before).toMatchObject({
      refundedCents: 0,
      status: 'COMPLETED',
    });
    expect(refunded?.action === 'UPDATED' && refunded.after).toMatchObject({
      refundedCents: 100,
      status: 'PARTIALLY_REFUNDED',
    });
    // grant, hold, spend, refund: each state is the trail folded up to that record
    const creditStates = creditTrail.map((_, index) => fold(creditTrail.slice(index)));
    expect(creditStates.map((state) => state.availableCents)).toEqual([700, 600, 600, 1_000]);
    expect(creditStates.map((state) => state.heldCents)).toEqual([0, 0, 400, 0]);
    expect(reservationTrail.map((record) => fold([record]).status)).toEqual([
      'COMMITTED',
      'SHIPPED',
      'SHIPPING',
      'PENDING',
    ]);
  });

  it('keeps every change of the reservation and purchase of a product with a 390 KB description', async () => {
    // Incompressible text, so no storage trick can make the item small.
    const description = randomBytes(390 * 1024)
      .toString('base64')
      .slice(0, 390 * 1024);
    const customerId = await createCustomer();
    const product = await createProduct(3, 'Huge Product', description);
    await grant(customerId, 1_000);
    const purchase = await api<Schemas['Purchase']>('POST', '/v1/purchases', {
      body: { customerId, productId: product.id },
    });
    expect(purchase.status).toBe(201);
    expect(purchase.body.product.description).toBe(description);
    const refund = await api('POST', `/v1/purchases/${purchase.body.id}/refunds`, {
      body: { reason: 'too long to read' },
    });
    expect(refund.status).toBe(201);

    const reservationTrail = await trail({ entityType: 'RESERVATION', entityId: purchase.body.id }, 4);
    const purchaseTrail = await trail({ entityType: 'PURCHASE', entityId: purchase.body.id }, 2);

    expect(reservationTrail.map((record) => [record.sequence, record.action, fold([record]).status])).toEqual(
      [
        [4, 'UPDATED', 'COMMITTED'],
        [3, 'UPDATED', 'SHIPPED'],
        [2, 'UPDATED', 'SHIPPING'],
        [1, 'CREATED', 'PENDING'],
      ],
    );
    expect(purchaseTrail.map((record) => [record.sequence, record.action, fold([record]).status])).toEqual([
      [2, 'UPDATED', 'REFUNDED'],
      [1, 'CREATED', 'COMPLETED'],
    ]);
    const created = [reservationTrail.at(-1), purchaseTrail.at(-1)];
    expect(created.map((record) => JSON.stringify(record && fold([record])).includes(description))).toEqual([
      true,
      true,
    ]);
    expect(fold(purchaseTrail)).toMatchObject({ status: 'REFUNDED', refundedCents: 300 });
    expect(fold(reservationTrail)).toMatchObject({ status: 'COMMITTED' });
    await expectBooksToBalance();
  });

  it("keeps a promo code's creation whole and its change as only what changed, typed as the document says", async () => {
    const code = `AUDIT${Date.now().toString(36).toUpperCase()}`;
    dataOf(await client().POST('/v1/promo-codes', { body: { code, kind: 'PERCENT', percentOff: 10 } }));
    dataOf(
      await client().PATCH('/v1/promo-codes/{code}', {
        params: { path: { code } },
        body: { active: false },
      }),
    );
    const records = await trail({ entityType: 'PROMO_CODE', entityId: code }, 2);

    const [changed, created] = records;
    expect(
      created?.action === 'CREATED' && created.entityType === 'PROMO_CODE' && created.after,
    ).toMatchObject({
      code,
      kind: 'PERCENT',
      percentOff: 10,
      active: true,
    });
    expect(changed?.action === 'UPDATED' ? [changed.before.active, changed.after.active] : []).toEqual([
      true,
      false,
    ]);
    expect(changed?.action === 'UPDATED' && changed.after.kind).toBeUndefined();
  });

  it('lists by entity type and all, page by page', async () => {
    const list = (query: { entityType?: 'CREDIT_TRANSACTION'; limit: number; cursor?: string }) =>
      client().GET('/v1/audit', { params: { query } });
    const first = dataOf(await list({ entityType: 'CREDIT_TRANSACTION', limit: 2 }));
    const second = dataOf(
      await list({ entityType: 'CREDIT_TRANSACTION', limit: 2, cursor: first.nextCursor ?? '' }),
    );
    const all = dataOf(await list({ limit: 5 }));

    expect(first.items).toHaveLength(2);
    expect(second.items.length).toBeGreaterThan(0);
    expect(first.items.every((record) => record.entityType === 'CREDIT_TRANSACTION')).toBe(true);
    expect(second.items.map((record) => record.id)).not.toContain(first.items[0]?.id);
    expect(all.items).toHaveLength(5);
  });

  it('rejects an entityId without its entityType', async () => {
    // The types cannot say it (the parameter's description does): the service refuses it.
    const answer = await client().GET('/v1/audit', { params: { query: { entityId: 'abc' } } });

    expect(answer.response.status).toBe(400);
    expect(errorOf(answer).code).toBe('VALIDATION_FAILED');
  });
});

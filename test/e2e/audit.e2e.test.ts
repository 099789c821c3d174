import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  api,
  client,
  createCustomer,
  createProduct,
  dataOf,
  grant,
  type Page,
} from '../support/api-client.ts';
import { expectBooksToBalance } from '../support/reconcile.ts';

interface AuditRecord {
  id: string;
  entityType: string;
  entityId: string;
  action: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  actor: string;
  at: string;
  sequence: number;
}

/** The audit follows the stream: reads until `count` records are there (bounded, never timed). */
async function trail(query: string, count: number): Promise<AuditRecord[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const answer = await api<Page<AuditRecord>>('GET', `/v1/audit?${query}`);
    expect(answer.status).toBe(200);
    if (answer.body.items.length >= count || Date.now() > deadline) return answer.body.items;
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
    for (const name of Object.keys(record.before ?? {})) {
      if (record.action === 'UPDATED' && !(name in (record.after ?? {}))) delete state[name];
    }
    if (record.action === 'UPDATED') state = { ...state, ...record.after };
  }
  return state;
}

describe('GET /v1/audit', () => {
  it('shows every change of a purchase and of the credit behind it, newest first, with who made it', async () => {
    const customerId = await createCustomer();
    const product = await createProduct(4);
    await grant(customerId, 1_000, {}, { role: 'support', sub: 'rep-grant' });
    const purchase = await api<{ id: string }>('POST', '/v1/purchases', {
      body: { customerId, productId: product.id },
      as: { role: 'service', sub: 'storefront-buy' },
    });
    await api('POST', `/v1/purchases/${purchase.body.id}/refunds`, {
      body: { amountCents: 100, reason: 'scratched' },
      as: { role: 'support', sub: 'rep-refund' },
    });

    const purchaseTrail = await trail(`entityType=PURCHASE&entityId=${purchase.body.id}`, 2);
    const creditTrail = await trail(`entityType=CREDIT&entityId=${customerId}`, 4);
    const reservationTrail = await trail(`entityType=RESERVATION&entityId=${purchase.body.id}`, 4);

    expect(purchaseTrail.map((record) => [record.sequence, record.action, record.actor])).toEqual([
      [2, 'UPDATED', 'rep-refund'],
      [1, 'CREATED', 'storefront-buy'],
    ]);
    expect(purchaseTrail[0]?.before).toMatchObject({ refundedCents: 0, status: 'COMPLETED' });
    expect(purchaseTrail[0]?.after).toMatchObject({ refundedCents: 100, status: 'PARTIALLY_REFUNDED' });
    // grant, hold, spend, refund: each state is the trail folded up to that record
    const creditStates = creditTrail.map((_, index) => fold(creditTrail.slice(index)));
    expect(creditStates.map((state) => state.availableCents)).toEqual([700, 600, 600, 1_000]);
    expect(creditStates.map((state) => state.heldCents)).toEqual([0, 0, 400, 0]);
    expect(reservationTrail.map((record) => record.after?.status)).toEqual([
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
    const purchase = await api<{ id: string; product: { description: string } }>('POST', '/v1/purchases', {
      body: { customerId, productId: product.id },
    });
    expect(purchase.status).toBe(201);
    expect(purchase.body.product.description).toBe(description);
    const refund = await api('POST', `/v1/purchases/${purchase.body.id}/refunds`, {
      body: { reason: 'too long to read' },
    });
    expect(refund.status).toBe(201);

    const reservationTrail = await trail(`entityType=RESERVATION&entityId=${purchase.body.id}`, 4);
    const purchaseTrail = await trail(`entityType=PURCHASE&entityId=${purchase.body.id}`, 2);

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
    expect(created.map((record) => JSON.stringify(record?.after).includes(description))).toEqual([
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
    const read = () =>
      client().GET('/v1/audit', { params: { query: { entityType: 'PROMO_CODE', entityId: code } } });

    let records = dataOf(await read()).items;
    for (let attempt = 0; records.length < 2 && attempt < 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      records = dataOf(await read()).items;
    }

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
    const first = await api<Page<AuditRecord>>('GET', '/v1/audit?entityType=CREDIT_TRANSACTION&limit=2');
    const second = await api<Page<AuditRecord>>(
      'GET',
      `/v1/audit?entityType=CREDIT_TRANSACTION&limit=2&cursor=${first.body.nextCursor}`,
    );
    const all = await api<Page<AuditRecord>>('GET', '/v1/audit?limit=5');

    expect(first.body.items).toHaveLength(2);
    expect(second.body.items.length).toBeGreaterThan(0);
    expect(first.body.items.every((record) => record.entityType === 'CREDIT_TRANSACTION')).toBe(true);
    expect(second.body.items.map((record) => record.id)).not.toContain(first.body.items[0]?.id);
    expect(all.body.items).toHaveLength(5);
  });

  it('rejects an entityId without its entityType', async () => {
    const answer = await api<{ error: { code: string } }>('GET', '/v1/audit?entityId=abc');

    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('VALIDATION_FAILED');
  });
});

import { describe, expect, it } from '@jest/globals';
import type { StoredAuditRecord } from '../../functions/audit/audit.schemas.ts';
import {
  auditEntryFor,
  changedAttributes,
  foldTrail,
  projectChanges,
  type StoredChange,
} from '../../functions/audit/audit.ts';

/** A change as the stream reports it; items written by the service carry a version (1, then one more per write). */
const change = (
  kind: StoredChange['kind'],
  before?: Record<string, unknown>,
  after?: Record<string, unknown>,
): StoredChange => ({
  eventId: `e-${Math.random()}`,
  sequenceNumber: String(Math.floor(Math.random() * 1e9)),
  kind,
  before: before && { version: 1, ...before },
  after: after && { version: before ? 2 : 1, ...after },
  observedAt: '2026-11-21T12:00:00.000Z',
});

describe('auditEntryFor', () => {
  it.each([
    [{ entity: 'CREDIT_ACCOUNT', customerId: 'c1' }, 'CREDIT', 'c1'],
    [{ entity: 'CREDIT_TRANSACTION', id: 't1', actor: 'rep' }, 'CREDIT_TRANSACTION', 't1'],
    [{ entity: 'RESERVATION', purchaseId: 'p1' }, 'RESERVATION', 'p1'],
    [{ entity: 'PURCHASE', id: 'p1' }, 'PURCHASE', 'p1'],
    [{ entity: 'REFUND', id: 'r1' }, 'REFUND', 'r1'],
  ])('names %j as %s %s', (item, type, id) => {
    expect(auditEntryFor(change('INSERT', undefined, item))).toMatchObject({
      entityType: type,
      entityId: id,
    });
  });

  it('records who changed it and when, from the item itself', () => {
    const entry = auditEntryFor(
      change(
        'MODIFY',
        { entity: 'PURCHASE', id: 'p1', changedBy: 'a' },
        {
          entity: 'PURCHASE',
          id: 'p1',
          changedBy: 'rep-2',
          updatedAt: '2026-11-21T12:00:05.000Z',
          GSI1PK: 'x',
        },
      ),
    );

    expect(entry).toMatchObject({ action: 'UPDATED', actor: 'rep-2', at: '2026-11-21T12:00:05.000Z' });
    expect(entry?.after).toEqual({ changedBy: 'rep-2', updatedAt: '2026-11-21T12:00:05.000Z' });
  });

  it('keeps only the attributes an update changed, so a large unchanged attribute stays out', () => {
    const product = { description: 'x'.repeat(300_000), priceCents: 300 };
    const before = { PK: 'R#p1', entity: 'RESERVATION', purchaseId: 'p1', status: 'PENDING', product };
    const after = { ...before, status: 'SHIPPING', updatedAt: '2026-11-21T12:00:06.000Z' };

    const entry = auditEntryFor(change('MODIFY', before, after));

    expect(entry).toMatchObject({
      action: 'UPDATED',
      before: { status: 'PENDING' },
      after: { status: 'SHIPPING', updatedAt: '2026-11-21T12:00:06.000Z' },
    });
    expect(Object.keys(entry?.before ?? {})).toEqual(['status']);
  });

  it('keeps the whole item when it is created or deleted', () => {
    const item = { PK: 'P#p1', entity: 'PURCHASE', id: 'p1', totalCents: 300 };

    expect(auditEntryFor(change('INSERT', undefined, item))).toMatchObject({
      before: null,
      after: { id: 'p1', totalCents: 300 },
    });
    expect(auditEntryFor(change('REMOVE', item, undefined))).toMatchObject({
      before: { id: 'p1', totalCents: 300 },
      after: null,
    });
  });

  it('places each change by the version its write gave the item, and a deletion after the last', () => {
    const item = { entity: 'PURCHASE', id: 'p1' };

    expect(auditEntryFor(change('INSERT', undefined, item))?.sequence).toBe(1);
    expect(auditEntryFor(change('MODIFY', { ...item, version: 6 }, { ...item, version: 7 }))?.sequence).toBe(
      7,
    );
    expect(auditEntryFor(change('REMOVE', { ...item, version: 7 }, undefined))?.sequence).toBe(8);
  });

  it('refuses an entity whose item does not count its versions', () => {
    expect(() => auditEntryFor({ ...change('INSERT'), after: { entity: 'PURCHASE', id: 'p1' } })).toThrow(
      /no version/,
    );
  });

  it('skips items that are not entities, and refuses an entity without an id', () => {
    expect(auditEntryFor(change('INSERT', undefined, { entity: 'CREDIT_OPERATION' }))).toBeUndefined();
    expect(() => auditEntryFor(change('INSERT', undefined, { entity: 'PURCHASE' }))).toThrow(/no id/);
  });
});

describe('changedAttributes', () => {
  it('names each top-level attribute that differs, with its old and its new value', () => {
    expect(
      changedAttributes(
        { same: 1, changed: 'a', nested: { a: 1, b: [1, 2] }, removed: true },
        { same: 1, changed: 'b', nested: { a: 1, b: [1, 3] }, added: null },
      ),
    ).toEqual({
      before: { changed: 'a', nested: { a: 1, b: [1, 2] }, removed: true },
      after: { changed: 'b', nested: { a: 1, b: [1, 3] }, added: null },
    });
  });

  it('sees no change in a map whose keys come in another order, nor in an unchanged item', () => {
    expect(changedAttributes({ m: { a: 1, b: 2 } }, { m: { b: 2, a: 1 } })).toEqual({
      before: {},
      after: {},
    });
    expect(changedAttributes({ a: 1 }, { a: 1 })).toEqual({ before: {}, after: {} });
  });

  it('tells a value that became another type from one that stayed', () => {
    expect(changedAttributes({ a: 1, b: '1' }, { a: '1', b: '1' })).toEqual({
      before: { a: 1 },
      after: { a: '1' },
    });
  });
});

describe('foldTrail', () => {
  it('rebuilds the item from its creation and the changes made since', () => {
    const item = { id: 'p1', status: 'PENDING', note: 'x', big: 'y'.repeat(1_000) };
    const { note: _removed, ...kept } = item;
    const v2 = { ...kept, status: 'SHIPPING', shipmentId: 's1' };
    const trail = [
      auditEntryFor(change('INSERT', undefined, { entity: 'PURCHASE', ...item })),
      auditEntryFor(change('MODIFY', { entity: 'PURCHASE', ...item }, { entity: 'PURCHASE', ...v2 })),
    ].map((entry) => entry as StoredAuditRecord);

    expect(foldTrail(trail)).toEqual(v2);
  });

  it('leaves nothing after a deletion', () => {
    expect(
      foldTrail([
        { action: 'CREATED', before: null, after: { a: 1 } },
        { action: 'DELETED', before: { a: 1 }, after: null },
      ]),
    ).toBeNull();
  });
});

describe('projectChanges', () => {
  it('holds back the later changes of an entity whose change failed, but not the others', async () => {
    const appended: StoredAuditRecord[] = [];
    let failNext = true;
    const audit = {
      append: async (entry: StoredAuditRecord) => {
        if (entry.entityId === 'a' && failNext) {
          failNext = false;
          throw new Error('throttled');
        }
        appended.push(entry);
        return true;
      },
      list: async () => ({ items: [], nextCursor: null }),
    };
    const a1 = change('INSERT', undefined, { entity: 'PURCHASE', id: 'a' });
    const b1 = change('INSERT', undefined, { entity: 'PURCHASE', id: 'b' });
    const a2 = change('MODIFY', { entity: 'PURCHASE', id: 'a' }, { entity: 'PURCHASE', id: 'a' });

    const result = await projectChanges({ audit, logger: { error: () => undefined } }, [a1, b1, a2]);

    expect(result.firstFailure).toBe(a1.sequenceNumber);
    expect(appended.map((entry) => entry.id)).toEqual([b1.eventId]);
  });
});

import { describe, expect, it } from '@jest/globals';
import {
  type AuditEntry,
  auditEntryFor,
  projectChanges,
  type StoredChange,
} from '../../functions/audit/audit.ts';

const change = (
  kind: StoredChange['kind'],
  before?: Record<string, unknown>,
  after?: Record<string, unknown>,
): StoredChange => ({
  eventId: `e-${Math.random()}`,
  sequenceNumber: String(Math.floor(Math.random() * 1e9)),
  kind,
  before,
  after,
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
    expect(entry?.after).toEqual({ id: 'p1', changedBy: 'rep-2', updatedAt: '2026-11-21T12:00:05.000Z' });
  });

  it('skips items that are not entities, and refuses an entity without an id', () => {
    expect(auditEntryFor(change('INSERT', undefined, { entity: 'CREDIT_OPERATION' }))).toBeUndefined();
    expect(() => auditEntryFor(change('INSERT', undefined, { entity: 'PURCHASE' }))).toThrow(/no id/);
  });
});

describe('projectChanges', () => {
  it('holds back the later changes of an entity whose change failed, but not the others', async () => {
    const appended: AuditEntry[] = [];
    let failNext = true;
    const audit = {
      append: async (entry: AuditEntry) => {
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

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { StoredAuditRecord } from '../../functions/audit/audit.schemas.ts';
import { recordFromItems, recordItems } from '../../functions/audit/audit-items.ts';

const record = (
  before: StoredAuditRecord['before'],
  after: StoredAuditRecord['after'],
): StoredAuditRecord => ({
  id: 'event-1',
  entityType: 'PURCHASE',
  entityId: 'p1',
  action: 'UPDATED',
  before,
  after,
  actor: 'rep-1',
  at: '2026-11-21T12:00:00.000Z',
  sequence: 2,
});
const text = (): string =>
  randomBytes(400 * 1024)
    .toString('base64')
    .slice(0, 400_000);

describe('recordItems', () => {
  it('keeps a small record in one item, with its keys', () => {
    const small = record({ status: 'COMPLETED' }, { status: 'REFUNDED' });

    const { record: item, parts } = recordItems(small);

    expect(parts).toEqual([]);
    expect(item).toMatchObject({ PK: 'PURCHASE#p1', SK: 'SEQ#000000000002', ...small });
    expect(recordFromItems(item, [])).toEqual(small);
  });

  it('moves the images of a record too large for one item into parts that read back whole', () => {
    const large = record({ description: text() }, { description: text() });

    const { record: item, parts } = recordItems(large);

    expect(item).not.toHaveProperty('before');
    expect(parts.length).toBeGreaterThan(1);
    expect(Buffer.byteLength(JSON.stringify(item))).toBeLessThan(1024);
    expect(parts.every((part) => (part.data as Uint8Array).length <= 300 * 1024)).toBe(true);
    expect(recordFromItems(item, [...parts].reverse())).toEqual(large);
  });

  it('refuses to read a record whose parts are not all there', () => {
    const { record: item, parts } = recordItems(record(null, { description: text() }));

    expect(() => recordFromItems(item, parts.slice(1))).toThrow(/parts/);
  });
});

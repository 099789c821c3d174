import { describe, expect, it } from 'vitest';
import { diffRecord } from '../src/audit-diff.ts';

describe('diffRecord', () => {
  it('lists only the attributes that changed, by name', () => {
    expect(
      diffRecord(
        { refundedCents: 0, status: 'COMPLETED', id: 'p1' },
        { refundedCents: 333, status: 'PARTIALLY_REFUNDED', id: 'p1' },
      ),
    ).toEqual([
      { field: 'refundedCents', before: '0', after: '333' },
      { field: 'status', before: 'COMPLETED', after: 'PARTIALLY_REFUNDED' },
    ]);
  });

  it('shows a creation as every attribute of after', () => {
    expect(diffRecord(null, { a: 1, b: { c: true } })).toEqual([
      { field: 'a', before: undefined, after: '1' },
      { field: 'b', before: undefined, after: '{"c":true}' },
    ]);
  });
});

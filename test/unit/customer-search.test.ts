import { describe, expect, it } from '@jest/globals';
import {
  type CustomerSearchDeps,
  normalizeSearchText,
  type SearchSnapshot,
  searchCustomers,
  searchTextOf,
} from '../../functions/customers/customer-search.ts';

const snapshot = (customerId: string, name: string): SearchSnapshot => ({
  customerId,
  name,
  email: `${customerId}@example.com`,
  refreshedAt: '2026-12-04T00:00:00.000Z',
});

/** Snapshots in memory, matched as the adapter matches them (a part of the name or email). */
function fakeDeps(snapshots: SearchSnapshot[], pointers: Record<string, string> = {}): CustomerSearchDeps {
  return {
    snapshots: {
      record: async () => {},
      get: async (id) => snapshots.find((candidate) => candidate.customerId === id),
      matching: async (text, page) => ({
        items: snapshots
          .filter((candidate) => searchTextOf(candidate).split('\u001f').slice(0, 2).join(' ').includes(text))
          .slice(0, page.limit),
        nextCursor: null,
      }),
    },
    pointers: {
      customerOfPurchase: async (id) => pointers[`purchase:${id}`],
      customerOfShipment: async (id) => pointers[`shipment:${id}`],
    },
  };
}

describe('customer search', () => {
  it('compares text without case, accents or extra spaces', () => {
    expect(normalizeSearchText('  Jöhn\t  DOÉ ')).toBe('john doe');
    expect(normalizeSearchText('Zoë Ñúñez')).toBe('zoe nunez');
  });

  it('never lets a control character into the stored text, which separates its fields', () => {
    expect(normalizeSearchText('a\u001fb')).toBe('a b');
    expect(searchTextOf({ customerId: 'c1', name: 'A\u001fB', email: 'x' }).split('\u001f')).toEqual([
      'a b',
      'x',
      'c1',
    ]);
  });

  it('puts the customer a purchase id points to first, and lists each customer once', async () => {
    const deps = fakeDeps([snapshot('c1', 'Ann p-1'), snapshot('c2', 'Bob p-1')], { 'purchase:p-1': 'c2' });

    const page = await searchCustomers(deps, 'p-1', { limit: 20 });

    expect(page.items.map((hit) => [hit.id, hit.matchedBy])).toEqual([
      ['c2', 'PURCHASE_ID'],
      ['c1', 'NAME_OR_EMAIL'],
    ]);
  });

  it('names a customer found by a shipment whom no customer route has read, without name or email', async () => {
    const page = await searchCustomers(fakeDeps([], { 'shipment:s-9': 'c7' }), 's-9', { limit: 20 });

    expect(page.items).toEqual([
      { id: 'c7', name: null, email: null, matchedBy: 'SHIPMENT_ID', refreshedAt: null },
    ]);
  });

  it('looks up ids only on the first page', async () => {
    const deps = fakeDeps([snapshot('c1', 'Ann')]);

    const later = await searchCustomers(deps, 'c1', { limit: 20, cursor: 'x' });

    expect(later.items.map((hit) => hit.matchedBy)).toEqual(['NAME_OR_EMAIL']);
  });
});

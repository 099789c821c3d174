import type { CustomerSnapshot, ProductSnapshot } from '../../functions/purchases/purchase.schemas.ts';

/** The snapshots a purchase keeps, for tests that build a quote or a purchase by hand. */
export const CUSTOMER_SNAPSHOT: CustomerSnapshot = {
  id: 'c1',
  name: 'John',
  email: 'j@example.com',
  shippingAddress: { line1: '1 Main', city: 'X', postalCode: '1', state: 'S', country: 'US' },
  lastModifiedAt: '2026-01-01T00:00:00.000Z',
};

export const productSnapshot = (priceCents: number): ProductSnapshot => ({
  id: 'p1',
  sku: 'SKU-1',
  name: 'Thing',
  description: 'a thing',
  priceCents,
  lastModifiedAt: '2026-01-01T00:00:00.000Z',
});

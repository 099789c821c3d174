import { describe, expect, it } from '@jest/globals';
import { quotePurchase } from '../../functions/purchases/saga/quote.ts';
import { UpstreamError } from '../../functions/shared/errors.ts';
import type {
  ExternalCustomer,
  ExternalProduct,
} from '../../functions/shared/external/external-api.schemas.ts';

const address = { line1: '1 Main St', city: 'Springfield', postalCode: '62701', state: 'IL', country: 'US' };
const customer: ExternalCustomer = {
  id: 'c1',
  name: 'John',
  email: 'john@example.com',
  billingAddress: address,
  shippingAddress: address,
  createdAt: 0,
  lastModifiedAt: Date.UTC(2026, 0, 2),
};
const product = (price: number): ExternalProduct => ({
  id: 'p1',
  sku: 'SKU-1',
  name: 'Thing',
  description: 'A thing',
  price,
  createdAt: 0,
  lastModifiedAt: Date.UTC(2026, 0, 3),
});
const NO_PROMO_CODES = { getPromoCode: async () => undefined };
const CLOCK = { now: () => new Date('2026-06-01T00:00:00Z') };
const deps = (price: number) => ({
  customers: { getCustomer: async () => customer },
  products: { getProduct: async () => product(price) },
  promoCodes: NO_PROMO_CODES,
  clock: CLOCK,
});

describe('quotePurchase', () => {
  it.each([
    [0.1, 3, 10, 30],
    [1299.99, 100, 129_999, 12_999_900],
    [19.9, 7, 1_990, 13_930],
    [0, 2, 0, 0],
  ])(
    'prices %d dollars × %i as %i cents each, %i in all, with no float drift',
    async (price, quantity, unit, total) => {
      const { quote } = await quotePurchase(deps(price), { customerId: 'c1', productId: 'p1', quantity });

      expect(quote).toMatchObject({
        unitPriceCents: unit,
        subtotalCents: total,
        discountCents: 0,
        totalCents: total,
      });
    },
  );

  it('snapshots the product and the customer with their shipping address, timestamps in ISO 8601', async () => {
    const { quote } = await quotePurchase(deps(5), { customerId: 'c1', productId: 'p1', quantity: 1 });

    expect(quote.product).toEqual({
      id: 'p1',
      sku: 'SKU-1',
      name: 'Thing',
      description: 'A thing',
      priceCents: 500,
      lastModifiedAt: '2026-01-03T00:00:00.000Z',
    });
    expect(quote.customer).toEqual({
      id: 'c1',
      name: 'John',
      email: 'john@example.com',
      shippingAddress: address,
      lastModifiedAt: '2026-01-02T00:00:00.000Z',
    });
  });

  it.each([1.005, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e21, 2 ** 53])(
    'refuses a price of %d dollars as an upstream error',
    async (price) => {
      await expect(
        quotePurchase(deps(price), { customerId: 'c1', productId: 'p1', quantity: 1 }),
      ).rejects.toThrow(UpstreamError);
    },
  );

  it.each([
    ['a product whose lastModifiedAt no Date holds', { lastModifiedAt: 9e15 }, {}],
    ['a product whose lastModifiedAt has a five-digit year', { lastModifiedAt: 253_402_300_800_000 }, {}],
    ['a product with an empty description', { description: '' }, {}],
    ['a customer with an empty name', {}, { name: '' }],
    ['a customer with an unsafe integer for a time', {}, { lastModifiedAt: 2 ** 60 }],
  ])(
    'refuses %s as an upstream error, before anything is written',
    async (_, productFields, customerFields) => {
      const quote = quotePurchase(
        {
          customers: { getCustomer: async () => ({ ...customer, ...customerFields }) },
          products: { getProduct: async () => ({ ...product(1), ...productFields }) },
          promoCodes: NO_PROMO_CODES,
          clock: CLOCK,
        },
        { customerId: 'c1', productId: 'p1', quantity: 1 },
      );

      await expect(quote).rejects.toThrow(UpstreamError);
    },
  );

  it('keeps no second address line when the external one is empty', async () => {
    const withEmptyLine2 = { ...customer, shippingAddress: { ...address, line2: '' } };
    const { quote } = await quotePurchase(
      {
        customers: { getCustomer: async () => withEmptyLine2 },
        products: { getProduct: async () => product(1) },
        promoCodes: NO_PROMO_CODES,
        clock: CLOCK,
      },
      { customerId: 'c1', productId: 'p1', quantity: 1 },
    );

    expect(quote.customer.shippingAddress).toEqual(address);
    expect('line2' in quote.customer.shippingAddress).toBe(false);
  });
});

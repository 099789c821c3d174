import { UpstreamError } from '#shared/errors.ts';
import type { CustomerDirectory, ProductCatalog } from '#shared/external/external-api.client.ts';
import { dollarsToCents, multiplyCents } from '#shared/money.ts';
import type { Quote } from '../purchase.schemas.ts';

export interface QuoteDeps {
  customers: CustomerDirectory;
  products: ProductCatalog;
}

/**
 * Reads the customer and the product from the external API, now (never from a cache: this decides
 * what is charged and where it ships), and prices the purchase in exact cents.
 *
 * @throws NotFoundError CUSTOMER_NOT_FOUND / PRODUCT_NOT_FOUND
 * @throws UpstreamError when a price cannot be converted to cents exactly, or a call fails
 * @throws UpstreamTimeoutError
 */
export async function quotePurchase(
  deps: QuoteDeps,
  request: { customerId: string; productId: string; quantity: number },
): Promise<Quote> {
  const [customer, product] = await Promise.all([
    deps.customers.getCustomer(request.customerId),
    deps.products.getProduct(request.productId),
  ]);
  const unitPriceCents = dollarsToCents(product.price);
  if (unitPriceCents === undefined) {
    throw new UpstreamError(
      'GetProduct',
      'answered a price that is not a whole, non-negative number of cents',
    );
  }
  const subtotalCents = multiplyCents(unitPriceCents, request.quantity);
  if (subtotalCents === undefined) {
    throw new UpstreamError('GetProduct', 'answered a price too large to charge exactly');
  }
  const discountCents = 0; // promo codes come with their own issue
  return {
    product: {
      id: product.id,
      sku: product.sku,
      name: product.name,
      description: product.description,
      priceCents: unitPriceCents,
      lastModifiedAt: new Date(product.lastModifiedAt).toISOString(),
    },
    customer: {
      id: customer.id,
      name: customer.name,
      email: customer.email,
      shippingAddress: customer.shippingAddress,
      lastModifiedAt: new Date(customer.lastModifiedAt).toISOString(),
    },
    quantity: request.quantity,
    unitPriceCents,
    subtotalCents,
    discountCents,
    totalCents: subtotalCents - discountCents,
  };
}

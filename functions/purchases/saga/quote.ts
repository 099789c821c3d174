import { UpstreamError } from '#shared/errors.ts';
import type { CustomerDirectory, ProductCatalog } from '#shared/external/external-api.client.ts';
import { dollarsToCents, multiplyCents } from '#shared/money.ts';
import type { Quote } from '../purchase.schemas.ts';

/**
 * The reservation and the purchase each keep the quote's snapshots in one DynamoDB item (400 KB at
 * most); the rest of either item fits in the margin. A larger product cannot be bought: it is the
 * other team's data we cannot keep, a 502 before anything is held.
 */
export const MAX_QUOTE_BYTES = 400 * 1024 - 4 * 1024;

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
  const quote: Quote = {
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
  if (Buffer.byteLength(JSON.stringify(quote)) > MAX_QUOTE_BYTES) {
    throw new UpstreamError('GetProduct', 'answered a product too large to keep with the purchase');
  }
  return quote;
}

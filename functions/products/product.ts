import { UpstreamError } from '#shared/errors.ts';
import type { CachedExternalReads } from '#shared/external/cached-external-reads.ts';
import { dollarsToCents } from '#shared/money.ts';
import type { ProductView } from './product.schemas.ts';

export interface ProductDeps {
  products: Pick<CachedExternalReads, 'cachedProduct'>;
}

/**
 * The product as the external API has it (through the read cache), priced in exact cents with the
 * same conversion as the quote: a price the quote would refuse is refused here too.
 * @throws NotFoundError PRODUCT_NOT_FOUND
 * @throws UpstreamError when the price cannot be money, or the read fails
 * @throws UpstreamTimeoutError
 */
export async function getProductView(deps: ProductDeps, productId: string): Promise<ProductView> {
  const product = await deps.products.cachedProduct(productId);
  const priceCents = dollarsToCents(product.price);
  if (priceCents === undefined) {
    throw new UpstreamError(
      'GetProduct',
      'answered a price that is not a whole, non-negative number of cents',
    );
  }
  return {
    id: product.id,
    sku: product.sku,
    name: product.name,
    description: product.description,
    priceCents,
    // The client's schema keeps epoch milliseconds within the years a Date can write.
    lastModifiedAt: new Date(product.lastModifiedAt).toISOString(),
  };
}
